import Dispatch
import Foundation
import TrustCore

/// A `Notifier` test double: records every request, answers with increasing ids, and lets a
/// test play the server (`simulate`) or fail calls. Same threading contract as `Notifier`:
/// completions and events run on the delivery queue.
public final class RecordingNotifier: Notifier, @unchecked Sendable {
    // Confinement: every `var` is guarded by `lock`.
    private let lock = NSLock()
    private let deliveryQueue: DispatchQueue
    private var handler: (@Sendable (NotifierEvent) -> Void)?
    private var _requests: [NotificationRequest] = []
    private var _closed: [NotificationID] = []
    private var nextID: UInt32 = 1
    private var _server: NotificationServer?
    private var failure: NotifierError?
    /// While set, `notify`'s replies wait here until `releaseReplies`.
    private var heldReplies: [@Sendable () -> Void]?

    /// A server with these capabilities, or none (`server: nil`).
    public init(
        deliveryQueue: DispatchQueue,
        server: NotificationServer? = RecordingNotifier.server(capabilities: ["actions", "body", "persistence"])
    ) {
        self.deliveryQueue = deliveryQueue
        self._server = server
    }

    public static func server(capabilities: [String]) -> NotificationServer {
        NotificationServer(
            name: "recording", vendor: "trustd", version: "1", specVersion: "1.3",
            capabilities: NotificationCapabilities(capabilities), busName: ":test")
    }

    /// Every `notify` request, in order.
    public var requests: [NotificationRequest] { lock.withLock { _requests } }
    /// Every `close` call, in order.
    public var closed: [NotificationID] { lock.withLock { _closed } }

    /// Makes every following call fail with `error` (nil: succeed again).
    public func failCalls(with error: NotifierError?) {
        lock.withLock { failure = error }
    }

    /// Keeps `notify`'s replies back (a busy server, a slow bus) until `releaseReplies`.
    public func holdReplies() {
        lock.withLock { if heldReplies == nil { heldReplies = [] } }
    }

    /// Delivers the replies held since `holdReplies`, in order, and stops holding them.
    public func releaseReplies() {
        let held = lock.withLock {
            defer { heldReplies = nil }
            return heldReplies ?? []
        }
        for reply in held { deliveryQueue.async(execute: reply) }
    }

    /// Delivers `event` as if the server (or the bus) produced it. `serverAppeared` and
    /// `serverVanished` also change what `server()` answers.
    public func simulate(_ event: NotifierEvent) {
        let h: (@Sendable (NotifierEvent) -> Void)? = lock.withLock {
            switch event {
            case .serverAppeared(let s): _server = s
            case .serverVanished, .busLost: _server = nil
            default: break
            }
            return handler
        }
        if let h { deliveryQueue.async { h(event) } }
    }

    public func setEventHandler(_ handler: (@Sendable (NotifierEvent) -> Void)?) {
        lock.withLock { self.handler = handler }
    }

    public func start() {
        let (h, server): ((@Sendable (NotifierEvent) -> Void)?, NotificationServer?) = lock.withLock { (handler, _server) }
        if let h { deliveryQueue.async { h(server.map(NotifierEvent.serverAppeared) ?? .serverVanished) } }
    }

    public func notify(
        _ request: NotificationRequest, completion: @escaping @Sendable (Result<NotificationID, NotifierError>) -> Void
    ) {
        // The reply is queued (or held) under the lock: replies come in the order of the calls.
        lock.withLock {
            let result: Result<NotificationID, NotifierError>
            if let failure {
                result = .failure(failure)
            } else if _server == nil {
                result = .failure(NotifierError(kind: .noServer, message: "Notify to org.freedesktop.Notifications failed: no server (recording notifier)"))
            } else {
                _requests.append(request)
                if let replaced = request.replaces {
                    result = .success(replaced)
                } else {
                    result = .success(NotificationID(nextID))
                    nextID += 1
                }
            }
            if heldReplies != nil {
                heldReplies?.append { completion(result) }
            } else {
                deliveryQueue.async { completion(result) }
            }
        }
    }

    public func close(_ id: NotificationID, completion: @escaping @Sendable (Result<Void, NotifierError>) -> Void) {
        let result: Result<Void, NotifierError> = lock.withLock {
            if let failure { return .failure(failure) }
            _closed.append(id)
            return .success(())
        }
        deliveryQueue.async { completion(result) }
    }

    /// Closes it (recorded in `closed`): the recording notifier plays one server that has been
    /// running all along.
    public func closeLeftover(
        _ id: NotificationID, shownAt: Date, completion: @escaping @Sendable (Result<Bool, NotifierError>) -> Void
    ) {
        close(id) { result in completion(result.map { true }) }
    }

    public func server(completion: @escaping @Sendable (Result<NotificationServer?, NotifierError>) -> Void) {
        let result: Result<NotificationServer?, NotifierError> = lock.withLock {
            if let failure { return .failure(failure) }
            return .success(_server)
        }
        deliveryQueue.async { completion(result) }
    }

    public func shutdown() {
        lock.withLock { handler = nil }
    }
}
