import Dispatch
import Foundation
import Testing
import TrustCore
import TrustDesktop
import TrustStore
import TrustTestSupport

@testable import TrustDaemon

private typealias F = Fixture

/// A desktop that says nothing until the test lets it (a session bus being socket-activated, a
/// slow server): `start` is remembered, and `speak` delivers the first word.
private final class SilentDesktop: Notifier, @unchecked Sendable {
    // Confinement: `handler` and `started` are guarded by `lock`.
    private let lock = NSLock()
    private let deliveryQueue: DispatchQueue
    let recording: RecordingNotifier
    private var handler: (@Sendable (NotifierEvent) -> Void)?
    private var started = false

    init(deliveryQueue: DispatchQueue) {
        self.deliveryQueue = deliveryQueue
        recording = RecordingNotifier(deliveryQueue: deliveryQueue)
    }

    var wasStarted: Bool { lock.withLock { started } }

    /// The desktop's first word: a server (the recording notifier's), or none.
    func speak(_ event: NotifierEvent) {
        if case .serverAppeared = event {} else { recording.simulate(event) }
        let h = lock.withLock { handler }
        if let h { deliveryQueue.async { h(event) } }
    }

    func setEventHandler(_ handler: (@Sendable (NotifierEvent) -> Void)?) { lock.withLock { self.handler = handler } }
    func start() { lock.withLock { started = true } }
    func notify(_ request: NotificationRequest, completion: @escaping @Sendable (Result<NotificationID, NotifierError>) -> Void) {
        recording.notify(request, completion: completion)
    }
    func close(_ id: NotificationID, completion: @escaping @Sendable (Result<Void, NotifierError>) -> Void) {
        recording.close(id, completion: completion)
    }
    func closeLeftover(
        _ id: NotificationID, shownAt: Date, completion: @escaping @Sendable (Result<Bool, NotifierError>) -> Void
    ) {
        recording.closeLeftover(id, shownAt: shownAt, completion: completion)
    }
    func server(completion: @escaping @Sendable (Result<NotificationServer?, NotifierError>) -> Void) {
        recording.server(completion: completion)
    }
    func shutdown() { lock.withLock { handler = nil } }
}

/// READY=1 never waits for the desktop (issue 15): a check-in due before the desktop's first word
/// waits for it (never longer than `desktopGrace`), then goes to it or to the fallback.
@Suite struct ReadinessTests {
    enum FirstWord: String, CaseIterable, Sendable {
        /// A notification server answers: the check-in is a notification.
        case server
        /// The session bus has no server: the journal.
        case noServer
        /// No session bus at all: the journal.
        case noBus
        /// Nothing within the grace period: the journal.
        case silence
    }

    @Test(arguments: FirstWord.allCases)
    func readyComesAtOnceAndACheckInDueMeanwhileGoesWhereTheDesktopsFirstWordSays(_ word: FirstWord) async throws {
        let scratch = try ScratchDirectory()
        let planPath = scratch.path + "/plan.yaml"
        try planYAML(
            """
              - id: evening-call
                title: Call Sam
                ask: Did you call Sam?
                at: "19:00"
                deadline: 3h
            """
        ).write(toFile: planPath, atomically: true, encoding: .utf8)
        let store = try TrustStore(path: scratch.path + "/state/ledger.sqlite")
        let clock = ManualClock(F.at("2026-11-25 18:59"))
        let queue = DispatchQueue(label: "trustd-readiness-test")
        let desktop = SilentDesktop(deliveryQueue: queue)
        let service = RecordingService()
        var options = DaemonOptions(planPath: planPath, systemTimeZone: { F.berlin })
        // Far longer than any test: before the change, READY=1 waited for this.
        options.desktopGrace = word == .silence ? 1 : 600
        let daemon = Daemon(
            options: options,
            ports: DaemonPorts(
                ledger: StoreLedger(store), clock: clock, notifier: desktop, console: nil, service: service,
                logger: LogCollector().logger()),
            queue: queue)

        daemon.start()
        // Ready without a word from the desktop (which was asked).
        #expect(await eventually(20) { await daemon.inspect { $0.ready } })
        #expect(service.states.first == .ready)
        #expect(desktop.wasStarted)

        // The check-in falls due before the desktop has spoken: it is entered, not yet shown.
        clock.set(F.at("2026-11-25 19:00"))
        #expect(await eventually(20) { (try? store.history(item: nil).count) == 1 })
        let o = try #require(try store.history(item: nil).first?.occurrence)
        if word != .silence {
            _ = await daemon.inspect { _ in 0 }
            #expect(try store.events(occurrence: o.id).map(\.type) == [.scheduled])
            #expect(desktop.recording.requests.isEmpty)
        }

        switch word {
        case .server: desktop.speak(.serverAppeared(RecordingNotifier.server(capabilities: ["actions", "body"])))
        case .noServer: desktop.speak(.serverVanished)
        case .noBus: desktop.speak(.busLost(NotifierError(kind: .failed, message: "no session bus"), retryIn: .seconds(60)))
        case .silence: break
        }
        #expect(await eventually(20) { (try? store.events(occurrence: o.id).map(\.type)) == [.scheduled, .prompted] })
        let prompted = try #require(try store.events(occurrence: o.id).last)
        if word == .server {
            #expect(desktop.recording.requests.map(\.summary) == ["Did you call Sam?"])
            #expect(prompted.notificationID == 1)
            #expect(prompted.channel == .notification)
        } else {
            #expect(desktop.recording.requests.isEmpty)
            #expect(prompted.notificationID == nil)
            #expect(prompted.channel == .daemon)
        }
        #expect(await daemon.inspect { $0.ready })
        await withCheckedContinuation { c in daemon.stop { c.resume() } }
    }
}
