import Dispatch
import Foundation
import LinuxWatch
import SystemdKit
import TrustCore

/// The Desktop Notifications Specification 1.3 client over sd-bus: `Notify`,
/// `CloseNotification`, `GetCapabilities`, `GetServerInformation`, and the signals
/// `ActionInvoked`, `NotificationClosed` and `NotificationReplied`.
///
/// Safety of answers: the signals are subscribed with sender `org.freedesktop.Notifications`,
/// so the bus only routes them from the name's owner, and each one is accepted only for an
/// id this process was given, coming from the very connection that gave it (the sender of
/// the `Notify` reply). Another client on the bus cannot forge an answer.
///
/// The server's name, version and capabilities are cached and refreshed whenever the owner of
/// `org.freedesktop.Notifications` changes (`NameOwnerChanged`). A lost session bus is
/// reported (`busLost`) and reconnected with backoff.
///
/// Server restarts: ids are numbered per server process (a new one starts again at 1), so an
/// id a previous server gave may name another application's notification now. Each id is kept
/// with the unique name of the server connection that gave it; `CloseNotification` and a
/// `Notify` that replaces an id go to that unique name, and only while it still owns
/// `org.freedesktop.Notifications`. Otherwise nothing is closed, and the replacement is shown as
/// a new notification.
///
/// Threading: see `Notifier`. Internally all state lives on one private serial queue (the
/// bus queue); completions and events hop to the delivery queue.
public final class NotificationClient: Notifier, @unchecked Sendable {
    // Confinement: every `var` below is confined to `queue`, the bus queue; public methods
    // hop onto it and private methods check it with dispatchPrecondition.
    private let queue: DispatchQueue
    private let deliveryQueue: DispatchQueue
    private let callTimeout: Duration
    private var connection: BusConnection?
    private var eventHandler: (@Sendable (NotifierEvent) -> Void)?
    private var current: NotificationServer?
    /// The unique name that owns `org.freedesktop.Notifications` now, nil when none or not known yet.
    private var owner: String?
    /// Whether the last report was "no server" (to report each change once).
    private var reportedVanished = false
    /// id → unique name of the server connection that returned it.
    private var issued: [UInt32: String] = [:]
    private var issuedOrder: [UInt32] = []
    private var refreshGeneration = 0
    private var isShutDown = false

    static let name = "org.freedesktop.Notifications"
    static let path = "/org/freedesktop/Notifications"
    static let interface = "org.freedesktop.Notifications"
    /// How many ids to remember for matching signals (older ones are forgotten).
    static let issuedLimit = 4096

    /// - Parameters:
    ///   - address: the session bus (default) or an explicit address.
    ///   - deliveryQueue: where completions and events run (the daemon's queue).
    ///   - backoff: reconnection delays after the bus is lost.
    ///   - callTimeout: how long to wait for the server to answer a call.
    public init(
        address: BusAddress = .session, deliveryQueue: DispatchQueue, backoff: Backoff = .standard,
        callTimeout: Duration = .seconds(10)
    ) {
        queue = DispatchQueue(label: "trustd.notifications.bus")
        self.deliveryQueue = deliveryQueue
        self.callTimeout = callTimeout
        let connection = BusConnection(address: address, queue: queue, backoff: backoff) { [weak self] event in
            self?.connectionEvent(event)
        }
        self.connection = connection
    }

    public func setEventHandler(_ handler: (@Sendable (NotifierEvent) -> Void)?) {
        queue.async { self.eventHandler = handler }
    }

    public func start() {
        queue.async {
            guard !self.isShutDown else { return }
            self.connection?.start()
        }
    }

    public func shutdown() {
        queue.async {
            self.isShutDown = true
            self.eventHandler = nil
            self.connection?.stop()
            self.connection = nil
        }
    }

    public func notify(
        _ request: NotificationRequest, completion: @escaping @Sendable (Result<NotificationID, NotifierError>) -> Void
    ) {
        queue.async {
            var request = request
            var destination = Self.name
            if let replaced = request.replaces {
                // In place only on the server that showed it, addressed by its unique name so the
                // name changing hands meanwhile cannot redirect it; else a new notification.
                if let shownBy = self.shownByCurrentServer(replaced.rawValue) {
                    destination = shownBy
                } else {
                    request.replaces = nil
                }
            }
            self.call("Notify", request.arguments, destination: destination) { [weak self] result in
                guard let self else { return }
                let outcome = result.flatMap { reply -> Result<NotificationID, NotifierError> in
                    guard reply.signature == "u", let id = reply.arguments.first?.uint32Value, let sender = reply.sender
                    else {
                        return .failure(
                            NotifierError(kind: .failed, message: "Notify returned \(reply.signature), not an id (u)"))
                    }
                    // The first word from the server can be this reply (before GetServerInformation's).
                    if self.owner == nil { self.owner = sender }
                    self.remember(id, from: sender)
                    return .success(NotificationID(id))
                }
                self.deliveryQueue.async { completion(outcome) }
            }
        }
    }

    public func close(_ id: NotificationID, completion: @escaping @Sendable (Result<Void, NotifierError>) -> Void) {
        queue.async {
            guard let shownBy = self.shownByCurrentServer(id.rawValue) else {
                self.deliveryQueue.async { completion(.success(())) }
                return
            }
            self.closeNotification(id, on: shownBy) { [deliveryQueue = self.deliveryQueue] result in
                deliveryQueue.async { completion(result) }
            }
        }
    }

    public func closeLeftover(
        _ id: NotificationID, shownAt: Date, completion: @escaping @Sendable (Result<Bool, NotifierError>) -> Void
    ) {
        queue.async {
            let finish: @Sendable (Result<Bool, NotifierError>) -> Void = { [deliveryQueue = self.deliveryQueue] r in
                deliveryQueue.async { completion(r) }
            }
            guard let owner = self.owner else { return finish(.success(false)) }
            let pid = MethodCall(
                destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus",
                member: "GetConnectionUnixProcessID", arguments: [.string(owner)], autoStart: false,
                timeout: self.callTimeout)
            guard let bus = self.connection?.bus else { return finish(.success(false)) }
            bus.call(pid) { [weak self] result in
                guard let self else { return }
                // ProcessStart may read up to a second early: only a server that surely started
                // before the notification was shown gets it closed.
                guard case .success(let reply) = result, let pid = reply.arguments.first?.uint32Value,
                    let started = ProcessStart.seconds(of: Int32(bitPattern: pid)),
                    started + 1 < shownAt.timeIntervalSince1970
                else { return finish(.success(false)) }
                self.closeNotification(id, on: owner) { finish($0.map { true }) }
            }
        }
    }

    public func server(completion: @escaping @Sendable (Result<NotificationServer?, NotifierError>) -> Void) {
        queue.async {
            if let current = self.current {
                self.deliveryQueue.async { completion(.success(current)) }
                return
            }
            self.fetchServer { [deliveryQueue = self.deliveryQueue] result in
                let outcome: Result<NotificationServer?, NotifierError> =
                    switch result {
                    case .success(let s): .success(s)
                    case .failure(let e) where e.kind == .noServer: .success(nil)
                    case .failure(let e): .failure(e)
                    }
                deliveryQueue.async { completion(outcome) }
            }
        }
    }

    // MARK: Bus queue

    /// The unique name of the server that gave `id`, if it still owns the name.
    private func shownByCurrentServer(_ id: UInt32) -> String? {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let shownBy = issued[id], shownBy == owner else { return nil }
        return shownBy
    }

    /// `CloseNotification` to the server connection `server`, without bus activation.
    private func closeNotification(
        _ id: NotificationID, on server: String, completion: @escaping @Sendable (Result<Void, NotifierError>) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        call("CloseNotification", [.uint32(id.rawValue)], destination: server, autoStart: false) { result in
            completion(result.map { _ in () })
        }
    }

    private func deliver(_ event: NotifierEvent) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let handler = eventHandler else { return }
        deliveryQueue.async { handler(event) }
    }

    private func call(
        _ member: String, _ arguments: [BusValue], destination: String = NotificationClient.name,
        autoStart: Bool = true, completion: @escaping @Sendable (Result<BusMessage, NotifierError>) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        let call = MethodCall(
            destination: destination, path: Self.path, interface: Self.interface, member: member,
            arguments: arguments, autoStart: autoStart, timeout: callTimeout)
        guard let bus = connection?.bus else {
            let why = isShutDown ? "the notifier was shut down" : "not connected to the session bus (reconnecting)"
            completion(.failure(NotifierError(BusError.notConnected(call.operation, why))))
            return
        }
        bus.call(call) { completion($0.mapError(NotifierError.init)) }
    }

    private func remember(_ id: UInt32, from sender: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        if issued.updateValue(sender, forKey: id) == nil { issuedOrder.append(id) }
        while issuedOrder.count > Self.issuedLimit {
            issued[issuedOrder.removeFirst()] = nil
        }
    }

    private func forget(_ id: UInt32) {
        if issued.removeValue(forKey: id) != nil { issuedOrder.removeAll { $0 == id } }
    }

    private func connectionEvent(_ event: BusConnection.Event) {
        dispatchPrecondition(condition: .onQueue(queue))
        switch event {
        case .connected(let bus):
            subscribe(on: bus)
            refreshServer()
        case .disconnected(let error, let retryIn):
            refreshGeneration += 1
            current = nil
            owner = nil
            reportedVanished = false
            issued = [:]
            issuedOrder = []
            deliver(.busLost(NotifierError(error), retryIn: retryIn))
        }
    }

    private func subscribe(on bus: Bus) {
        let owner = MatchRule(
            sender: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus",
            member: "NameOwnerChanged", arg0: Self.name)
        func signal(_ member: String) -> MatchRule {
            MatchRule(sender: Self.name, path: Self.path, interface: Self.interface, member: member)
        }
        do {
            try bus.addMatch(owner) { [weak self] m in self?.nameOwnerChanged(m) }
            try bus.addMatch(signal("ActionInvoked")) { [weak self] m in self?.notificationSignal(m) }
            try bus.addMatch(signal("NotificationClosed")) { [weak self] m in self?.notificationSignal(m) }
            try bus.addMatch(signal("NotificationReplied")) { [weak self] m in self?.notificationSignal(m) }
        } catch {
            // Only fails when the connection is already gone; the disconnect event follows.
        }
    }

    private func nameOwnerChanged(_ m: BusMessage) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard m.sender == "org.freedesktop.DBus", m.signature == "sss", m.arguments.count == 3,
            m.arguments[0].stringValue == Self.name, let newOwner = m.arguments[2].stringValue
        else { return }
        if newOwner.isEmpty {
            refreshGeneration += 1
            serverGone()
        } else {
            // From now on, ids the previous owner gave are neither closed nor replaced.
            owner = newOwner
            refreshServer()
        }
    }

    private func serverGone() {
        current = nil
        owner = nil
        issued = [:]
        issuedOrder = []
        if !reportedVanished {
            reportedVanished = true
            deliver(.serverVanished)
        }
    }

    private func notificationSignal(_ m: BusMessage) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard m.path == Self.path, m.interface == Self.interface, m.arguments.count == 2,
            let raw = m.arguments[0].uint32Value, let sender = m.sender, issued[raw] == sender
        else { return }
        let id = NotificationID(raw)
        switch (m.member, m.signature) {
        case ("ActionInvoked", "us"):
            deliver(.actionInvoked(id, action: m.arguments[1].stringValue ?? ""))
        case ("NotificationReplied", "us"):
            deliver(.replied(id, text: m.arguments[1].stringValue ?? ""))
        case ("NotificationClosed", "uu"):
            forget(raw)
            deliver(.closed(id, CloseReason(rawValue: m.arguments[1].uint32Value ?? 4)))
        default:
            break
        }
    }

    /// Asks the server for its information and capabilities; reports `serverAppeared` or
    /// `serverVanished` when that differs from what was reported last.
    private func refreshServer() {
        dispatchPrecondition(condition: .onQueue(queue))
        refreshGeneration += 1
        let generation = refreshGeneration
        fetchServer { [weak self] result in
            guard let self, generation == self.refreshGeneration else { return }
            switch result {
            case .success(let server):
                self.owner = server.busName
                if server != self.current {
                    self.current = server
                    self.reportedVanished = false
                    self.deliver(.serverAppeared(server))
                }
            case .failure:
                self.serverGone()
            }
        }
    }

    /// `GetServerInformation` then `GetCapabilities` (may start an activatable server).
    private func fetchServer(_ completion: @escaping @Sendable (Result<NotificationServer, NotifierError>) -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        call("GetServerInformation", []) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let e):
                completion(.failure(e))
            case .success(let info):
                let strings = info.arguments.compactMap(\.stringValue)
                guard info.signature == "ssss", strings.count == 4, let owner = info.sender else {
                    completion(.failure(NotifierError(kind: .failed, message: "GetServerInformation returned \(info.signature), not ssss")))
                    return
                }
                // Ask the same process, even if the name changes hands in between.
                self.call("GetCapabilities", [], destination: owner) { result in
                    completion(
                        result.map { caps in
                            NotificationServer(
                                name: strings[0], vendor: strings[1], version: strings[2], specVersion: strings[3],
                                capabilities: NotificationCapabilities(caps.arguments.first?.stringArray ?? []),
                                busName: owner)
                        })
                }
            }
        }
    }
}
