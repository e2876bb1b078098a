import Dispatch
import Foundation
import SystemdKit
import Testing
import TrustCore
import TrustDesktop
import TrustTestSupport

/// The notification client against the test server on a private bus: what arrives on the
/// wire, with which D-Bus types, and what comes back.
@Suite struct NotificationClientTests {
    @Test func notifySendsEveryFieldWithItsSpecifiedType() async throws {
        try await DesktopHarness.with { h in
            let request = NotificationRequest(
                appName: "trustd", summary: "Did you keep your promise: Call Sam?", body: "Every evening.",
                actions: [NotificationAction(key: "kept", label: "Kept"), NotificationAction(key: "missed", label: "Missed")],
                hints: NotificationHints(
                    urgency: .critical, category: "x-trustd.check-in", desktopEntry: "trustd", resident: true,
                    transient: false),
                expiration: .milliseconds(5000))
            let id = try await h.client.notify(request)
            let calls = try await h.server!.calls().filter { $0.method == "Notify" }
            #expect(calls.count == 1)
            let call = try #require(calls.first)
            #expect(call.signature == "susssasa{sv}i")
            #expect(call.result == id.rawValue)
            #expect(call.arguments[0] == .string("trustd"))
            #expect(call.arguments[1] == .uint32(0))
            #expect(call.arguments[2] == .string(""))
            #expect(call.arguments[3] == .string("Did you keep your promise: Call Sam?"))
            #expect(call.arguments[4] == .string("Every evening."))
            #expect(call.arguments[5] == .strings(["kept", "Kept", "missed", "Missed"]))
            #expect(call.arguments[7] == .int32(5000))
            #expect(
                call.hints == [
                    "urgency": .variant(.byte(2)), "category": .variant(.string("x-trustd.check-in")),
                    "desktop-entry": .variant(.string("trustd")), "resident": .variant(.bool(true)),
                    "transient": .variant(.bool(false)),
                ])
        }
    }

    @Test func replacesIdAndExpirationsGoOnTheWire() async throws {
        try await DesktopHarness.with { h in
            let first = try await h.client.notify(NotificationRequest(summary: "one", expiration: .never))
            let second = try await h.client.notify(NotificationRequest(replaces: first, summary: "two"))
            #expect(second == first)
            let notifies = try await h.server!.calls().filter { $0.method == "Notify" }
            #expect(notifies.map { $0.arguments[1] } == [.uint32(0), .uint32(first.rawValue)])
            #expect(notifies.map { $0.arguments[7] } == [.int32(0), .int32(-1)])
            #expect(notifies[1].hints.isEmpty)
        }
    }

    @Test func anInvokedActionComesBackForTheRightNotification() async throws {
        try await DesktopHarness.with { h in
            let a = try await h.client.notify(NotificationRequest(summary: "a"))
            let b = try await h.client.notify(NotificationRequest(summary: "b"))
            try await h.server!.emitActionInvoked(id: b.rawValue, key: "kept")
            try await h.server!.emitNotificationReplied(id: a.rawValue, text: "called at 9")
            _ = try await h.events.first { $0 == .actionInvoked(b, action: "kept") }
            _ = try await h.events.first { $0 == .replied(a, text: "called at 9") }
        }
    }

    @Test(arguments: [(UInt32(1), CloseReason.expired), (2, .dismissed), (3, .closedByCall), (4, .undefined), (9, .other(9))])
    func closeReasonsAreReported(raw: UInt32, reason: CloseReason) async throws {
        try await DesktopHarness.with { h in
            let id = try await h.client.notify(NotificationRequest(summary: "s"))
            try await h.server!.emitNotificationClosed(id: id.rawValue, reason: raw)
            _ = try await h.events.first { $0 == .closed(id, reason) }
        }
    }

    @Test func closeNotificationCallsTheServerAndTheClosedSignalFollows() async throws {
        try await DesktopHarness.with { h in
            let id = try await h.client.notify(NotificationRequest(summary: "s"))
            try await h.client.close(id)
            let closes = try await h.server!.calls().filter { $0.method == "CloseNotification" }
            #expect(closes.map(\.arguments) == [[.uint32(id.rawValue)]])
            _ = try await h.events.first { $0 == .closed(id, .closedByCall) }
            // After it closed, the id is no longer ours: a late action for it is ignored.
            try await h.server!.emitActionInvoked(id: id.rawValue, key: "kept")
            let marker = try await h.client.notify(NotificationRequest(summary: "marker"))
            try await h.server!.emitActionInvoked(id: marker.rawValue, key: "missed")
            _ = try await h.events.first { $0 == .actionInvoked(marker, action: "missed") }
            #expect(h.events.existing { $0 == .actionInvoked(id, action: "kept") } == nil)
        }
    }

    @Test func serverInformationAndCapabilitiesAreReportedAndCached() async throws {
        try await DesktopHarness.with { h in
            let appeared = try await h.events.first(where: \.isServerAppeared).appearedServer
            let server = try #require(appeared)
            #expect(server.name == "trustd-test-server")
            #expect(server.vendor == "trustd")
            #expect(server.version == "1.0")
            #expect(server.specVersion == "1.3")
            #expect(server.busName == h.server!.uniqueName)
            #expect(server.capabilities.actions && server.capabilities.bodyMarkup && server.capabilities.persistence)
            #expect(server.capabilities.inlineReply)
            let again = try await h.client.server()
            #expect(again == server)
            let asked = try await h.server!.calls().filter { $0.method == "GetCapabilities" }
            #expect(asked.count == 1, "the second question is answered from the cache")
        }
    }

    @Test func withoutActionsThePromptCarriesTheTerminalCommand() async throws {
        try await DesktopHarness.with(capabilities: ["body"]) { h in
            let server = try #require(try await h.events.first(where: \.isServerAppeared).appearedServer)
            #expect(!server.capabilities.actions)
            let item = Item(id: "evening-call", kind: .commitment, title: "Call every evening", schedule: [])
            let prompt = CheckInPrompt(item: item, discreet: false, capabilities: server.capabilities)
            _ = try await h.client.notify(prompt.request())
            let call = try #require(try await h.server!.calls().first { $0.method == "Notify" })
            #expect(call.arguments[5] == .strings([]))
            #expect(call.arguments[4].stringValue?.contains("trustctl answer evening-call kept") == true)
        }
    }

    @Test func withActionsThePromptCarriesTheCheckInButtons() async throws {
        try await DesktopHarness.with { h in
            let server = try #require(try await h.events.first(where: \.isServerAppeared).appearedServer)
            let item = Item(id: "no-phone", kind: .boundary, title: "No phone at dinner", schedule: [])
            let prompt = CheckInPrompt(item: item, discreet: false, server: server)
            let id = try await h.client.notify(prompt.request())
            let call = try #require(try await h.server!.calls().first { $0.method == "Notify" })
            // The test server offers inline-reply: the reply field comes last.
            #expect(
                call.arguments[5]
                    == .strings([
                        "kept", "Held", "missed", "Slipped", "skipped", "Skip", "snooze", "Snooze 15 min", "inline-reply", "Note",
                    ]))
            try await h.server!.emitActionInvoked(id: id.rawValue, key: "missed")
            let event = try await h.events.first { if case .actionInvoked = $0 { true } else { false } }
            guard case .actionInvoked(_, let key) = event else { return }
            #expect(PromptAction(key: key)?.answer == .missed)
        }
    }

    @Test func noServerIsAnEventAndAClearError() async throws {
        try await DesktopHarness.with(capabilities: nil) { h in
            _ = try await h.events.first { $0 == .serverVanished }
            let error = await #expect(throws: NotifierError.self) {
                try await h.client.notify(NotificationRequest(summary: "s"))
            }
            #expect(error?.kind == .noServer)
            #expect(error?.message.hasPrefix("Notify to org.freedesktop.Notifications failed: ") == true)
            #expect(error?.message.hasSuffix("(org.freedesktop.DBus.Error.ServiceUnknown)") == true)
            #expect(try await h.client.server() == nil)
        }
    }

    @Test func theServerGoingAwayAndComingBackIsNoticed() async throws {
        try await DesktopHarness.with(capabilities: ["actions", "body"]) { h in
            _ = try await h.events.first(where: \.isServerAppeared)
            let old = try await h.client.notify(NotificationRequest(summary: "before"))
            await h.server!.stop()
            _ = try await h.events.first { $0 == .serverVanished }
            h.server = try await FakeNotificationServer.start(on: h.bus, capabilities: ["body"], name: "second")
            let events = h.events
            let second = try await events.first { $0.appearedServer?.name == "second" }.appearedServer
            #expect(second?.capabilities.actions == false, "capabilities are refreshed for the new owner")
            #expect(try await h.client.server()?.name == "second")
            // A signal from the new server for the old notification's id is not an answer to the
            // notification we sent the old server. (The new server reuses id 1, so `fresh` == `old`:
            // the signal is routed to us before the reply to `fresh`, while the id is not ours.)
            try await h.server!.emitActionInvoked(id: old.rawValue, key: "kept")
            let fresh = try await h.client.notify(NotificationRequest(summary: "after"))
            try await h.server!.emitNotificationClosed(id: fresh.rawValue, reason: 2)
            _ = try await events.first { $0 == .closed(fresh, .dismissed) }
            #expect(events.existing { $0 == .actionInvoked(old, action: "kept") } == nil)
        }
    }

    /// Ids are numbered per server process: after a restart, an id the previous server gave is
    /// never closed on the new one, and a request to replace it becomes a new notification. The
    /// new server's own ids are closed and replaced as usual, addressed to its unique name.
    @Test func aRestartedServerNeverGetsAPreviousServersIdClosedOrReplaced() async throws {
        try await DesktopHarness.with(capabilities: ["actions", "body"]) { h in
            _ = try await h.events.first(where: \.isServerAppeared)
            _ = try await h.client.notify(NotificationRequest(summary: "first"))
            let old = try await h.client.notify(NotificationRequest(summary: "second"))  // id 2 on the old server
            await h.server!.stop()
            _ = try await h.events.first { $0 == .serverVanished }
            h.server = try await FakeNotificationServer.start(on: h.bus, capabilities: ["actions", "body"], name: "new")
            let newServer = h.server!
            _ = try await h.events.first { $0.appearedServer?.name == "new" }

            try await h.client.close(old)  // nothing to withdraw there: nothing is sent
            let a = try await h.client.notify(NotificationRequest(summary: "a"))
            let b = try await h.client.notify(NotificationRequest(summary: "b"))
            #expect(b == old, "the new server gave the old number to another notification")
            try await h.client.close(old)  // now it names `b`, shown by this server: closed
            let moved = try await h.client.notify(NotificationRequest(replaces: a, summary: "a, in place"))
            #expect(moved == a)

            let calls = try await newServer.calls()
            #expect(calls.filter { $0.method == "CloseNotification" }.map(\.arguments) == [[.uint32(b.rawValue)]])
            #expect(calls.filter { $0.method == "Notify" }.map { $0.arguments[1] } == [.uint32(0), .uint32(0), .uint32(a.rawValue)])
        }
        // The same for the replacement of an id the previous server gave: a new notification.
        try await DesktopHarness.with(capabilities: ["actions", "body"]) { h in
            _ = try await h.events.first(where: \.isServerAppeared)
            let old = try await h.client.notify(NotificationRequest(summary: "old"))
            await h.server!.stop()
            _ = try await h.events.first { $0 == .serverVanished }
            h.server = try await FakeNotificationServer.start(on: h.bus, capabilities: ["actions", "body"], name: "new")
            _ = try await h.events.first { $0.appearedServer?.name == "new" }
            _ = try await h.client.notify(NotificationRequest(replaces: old, summary: "was old"))
            let notifies = try await h.server!.calls().filter { $0.method == "Notify" }
            #expect(notifies.map { $0.arguments[1] } == [.uint32(0)])
        }
    }

    /// Another server takes the name from the running one (`--replace`), with no moment without
    /// an owner: the old server's ids are neither closed nor replaced on the new one (nor on the
    /// old one, which no longer serves the name).
    @Test func aReplacedServerNeverGetsThePreviousOwnersIdClosedOrReplaced() async throws {
        try await DesktopHarness.with(capabilities: ["actions", "body"]) { h in
            _ = try await h.events.first(where: \.isServerAppeared)
            let old = try await h.client.notify(NotificationRequest(summary: "old"))
            let previous = h.server!
            let replacement = try await FakeNotificationServer.start(
                on: h.bus, capabilities: ["actions", "body"], name: "replacement", replacing: true)
            h.server = replacement
            _ = try await h.events.first { $0.appearedServer?.name == "replacement" }
            #expect(try await h.client.server()?.busName == replacement.uniqueName)
            try await h.client.close(old)
            let fresh = try await h.client.notify(NotificationRequest(replaces: old, summary: "was old"))
            #expect(fresh == old, "the replacement numbers from 1 as well")
            let calls = try await replacement.calls()
            #expect(calls.filter { $0.method == "CloseNotification" }.isEmpty)
            #expect(calls.filter { $0.method == "Notify" }.map { $0.arguments[1] } == [.uint32(0)])
            #expect(try await previous.calls().filter { $0.method != "Notify" && $0.method.hasPrefix("Get") == false }.isEmpty)
            await previous.stop()
        }
    }

    /// A notification an earlier process left (its id from the ledger) is closed only when the
    /// server running now started before it was shown: that server is the one that showed it.
    @Test(arguments: [(shownAfterServerStart: true, closes: true), (false, false)])
    func aLeftoverIsClosedOnlyByTheServerThatShowedIt(shownAfterServerStart: Bool, closes: Bool) async throws {
        try await DesktopHarness.with(capabilities: ["actions", "body"]) { h in
            _ = try await h.events.first(where: \.isServerAppeared)
            // The server started within the last seconds (this harness started it).
            let shownAt = shownAfterServerStart ? Date().addingTimeInterval(2) : Date().addingTimeInterval(-60)
            let closed = try await h.client.closeLeftover(NotificationID(7), shownAt: shownAt)
            #expect(closed == closes)
            let closeCalls = try await h.server!.calls().filter { $0.method == "CloseNotification" }
            #expect(closeCalls.map(\.arguments) == (closes ? [[.uint32(7)]] : []))
        }
    }

    @Test func theBusDyingIsReportedAndTheClientReconnects() async throws {
        try await DesktopHarness.with { h in
            _ = try await h.events.first(where: \.isServerAppeared)
            await h.server!.stop()
            h.server = nil
            await h.bus.stop()
            let lost = try await h.events.first(where: \.isBusLost)
            guard case .busLost(let error, _) = lost else { return }
            #expect(error.kind == .noBus)
            let notifyError = await #expect(throws: NotifierError.self) {
                try await h.client.notify(NotificationRequest(summary: "while down"))
            }
            #expect(notifyError?.kind == .noBus)
            #expect(notifyError?.message.hasPrefix("Notify to org.freedesktop.Notifications failed") == true)

            try await h.bus.restart()
            h.server = try await FakeNotificationServer.start(on: h.bus, name: "after-restart")
            _ = try await h.events.first { $0.appearedServer?.name == "after-restart" }
            let id = try await h.client.notify(NotificationRequest(summary: "back"))
            try await h.server!.emitActionInvoked(id: id.rawValue, key: "kept")
            _ = try await h.events.first { $0 == .actionInvoked(id, action: "kept") }
        }
    }

    @Test func aForgedActionFromAnotherConnectionIsIgnored() async throws {
        try await DesktopHarness.with { h in
            let id = try await h.client.notify(NotificationRequest(summary: "s"))
            let forger = try await AsyncBus.connect(h.bus.busAddress)
            let forged = SignalEmission(
                path: "/org/freedesktop/Notifications", interface: "org.freedesktop.Notifications",
                member: "ActionInvoked", arguments: [.uint32(id.rawValue), .string("kept")])
            try await forger.emit(forged)
            // Unicast straight at the client as well: the bus delivers it, the client must drop it.
            let clientName = try #require(try await h.server!.calls().first?.sender)
            var direct = forged
            direct.destination = clientName
            try await forger.emit(direct)
            try await forger.sync()  // both forgeries have been routed before the genuine signal below
            // The genuine server, for an id it never gave this client: also ignored.
            try await h.server!.emitActionInvoked(id: id.rawValue + 1000, key: "kept")
            try await h.server!.emitActionInvoked(id: id.rawValue, key: "missed")
            _ = try await h.events.first { $0 == .actionInvoked(id, action: "missed") }
            let actions = h.events.all.filter { if case .actionInvoked = $0 { true } else { false } }
            #expect(actions == [.actionInvoked(id, action: "missed")])
            await forger.close()
        }
    }
}
