import Dispatch
import Foundation
import TrustCore

/// Sends desktop notifications and reports what the person does with them.
///
/// The daemon depends on this protocol; `NotificationClient` talks to a real server over
/// D-Bus, `RecordingNotifier` is the test double.
///
/// Threading contract (every conforming type):
/// - Every method may be called from any thread, including the delivery queue, and returns
///   at once: nothing waits for the bus or the server.
/// - Each `completion` is called exactly once, and every event is delivered, on the
///   *delivery queue* the notifier was created with, serially and in the order things
///   happened: the completion of a `notify` comes before any event for that notification.
/// - Set the event handler before `start()`; events before it are not kept.
public protocol Notifier: AnyObject, Sendable {
    /// Receives `NotifierEvent`s on the delivery queue; nil stops delivery.
    func setEventHandler(_ handler: (@Sendable (NotifierEvent) -> Void)?)

    /// Connects and starts reporting events (the first is `serverAppeared`, `serverVanished`
    /// or `busLost`).
    func start()

    /// Shows a notification; the id identifies it in later events and in `close`. A request that
    /// replaces an id the server running now did not give (a previous server's, whose ids may
    /// name another application's notifications now) is sent as a new notification.
    func notify(_ request: NotificationRequest, completion: @escaping @Sendable (Result<NotificationID, NotifierError>) -> Void)

    /// Withdraws a notification (`CloseNotification`), only if the server running now gave its
    /// id (to this notifier); an id a previous server gave is left alone (success, nothing sent).
    func close(_ id: NotificationID, completion: @escaping @Sendable (Result<Void, NotifierError>) -> Void)

    /// Withdraws a notification an earlier process left (its id from the ledger), only if the
    /// server running now was already running at `shownAt`, so it is the one that showed it.
    /// Completes with whether it was closed.
    func closeLeftover(
        _ id: NotificationID, shownAt: Date, completion: @escaping @Sendable (Result<Bool, NotifierError>) -> Void)

    /// The current server (cached; asked when not known yet), nil when there is none.
    func server(completion: @escaping @Sendable (Result<NotificationServer?, NotifierError>) -> Void)

    /// Disconnects; no events after this. Calls in flight complete with an error.
    func shutdown()
}

extension Notifier {
    /// `notify` for async callers.
    public func notify(_ request: NotificationRequest) async throws(NotifierError) -> NotificationID {
        try await withCheckedContinuation { c in notify(request) { c.resume(returning: $0) } }.get()
    }

    /// `close` for async callers.
    public func close(_ id: NotificationID) async throws(NotifierError) {
        try await withCheckedContinuation { c in close(id) { c.resume(returning: $0) } }.get()
    }

    /// `closeLeftover` for async callers: whether it was closed.
    public func closeLeftover(_ id: NotificationID, shownAt: Date) async throws(NotifierError) -> Bool {
        try await withCheckedContinuation { c in closeLeftover(id, shownAt: shownAt) { c.resume(returning: $0) } }.get()
    }

    /// `server` for async callers.
    public func server() async throws(NotifierError) -> NotificationServer? {
        try await withCheckedContinuation { c in server { c.resume(returning: $0) } }.get()
    }

    /// Installs an event handler feeding the returned stream (for async callers such as
    /// `trustctl doctor`). Replaces any handler set before.
    public func events() -> AsyncStream<NotifierEvent> {
        let (stream, continuation) = AsyncStream<NotifierEvent>.makeStream()
        setEventHandler { continuation.yield($0) }
        return stream
    }
}
