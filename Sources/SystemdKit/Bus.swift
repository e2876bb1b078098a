import CSystemd
import Dispatch
import Glibc

/// Which bus to connect to.
public enum BusAddress: Sendable, Hashable, CustomStringConvertible {
    /// The user's session bus as `sd_bus_open_user` finds it: `$DBUS_SESSION_BUS_ADDRESS`,
    /// else `unix:path=$XDG_RUNTIME_DIR/bus`.
    case session
    /// An explicit D-Bus address, e.g. `unix:path=/tmp/t/bus` (tests, `trustctl doctor`).
    case address(String)

    /// The address `.session` resolves to in `environment`, or nil when there is none.
    public static func sessionAddress(environment: [String: String]) -> String? {
        if let a = environment["DBUS_SESSION_BUS_ADDRESS"], !a.isEmpty { return a }
        if let dir = environment["XDG_RUNTIME_DIR"], dir.hasPrefix("/") { return "unix:path=\(dir)/bus" }
        return nil
    }

    public var description: String {
        switch self {
        case .session: "the session bus"
        case .address(let a): a
        }
    }
}

/// One connection to a D-Bus bus, driven by Dispatch on `queue`.
///
/// The connection is an sd-bus handle served by three sources on `queue`: a read source on
/// the bus's file descriptor, a write source resumed only while sd-bus wants `POLLOUT`, and
/// a timer armed for `sd_bus_get_timeout` (method-call timeouts, authentication). Each wakes
/// `sd_bus_process` until it returns 0. Nothing blocks: calls are asynchronous, replies and
/// signals arrive as callbacks on `queue`. When the peer hangs up, the bus is torn down and
/// `onDisconnect` is called once; pending calls complete with a `disconnected` error.
///
/// Confinement: all state of a `Bus`, and every use of its sd-bus handle, is confined to
/// `queue` — `open` and every method must be called on `queue` (checked with
/// `dispatchPrecondition`), and every callback runs there. `BusConnection` adds reconnection.
public final class Bus: @unchecked Sendable {
    public let queue: DispatchQueue
    private var handle: OpaquePointer?
    /// Our duplicate of sd-bus's descriptor: the sources watch it, so sd-bus closing its own
    /// on disconnect cannot leave Dispatch watching a closed (or reused) descriptor number.
    private let fd: Int32
    private let readSource: DispatchSourceRead
    private let writeSource: DispatchSourceWrite
    private var writeResumed = false
    private let timer: DispatchSourceTimer
    /// Whether `timer` is resumed: it is suspended while sd-bus has no deadline (no call
    /// pending), so an idle connection has no timer armed at all.
    private var timerResumed = false
    private var processing = false
    private var onDisconnect: (@Sendable (BusError) -> Void)?
    /// The address actually used (`unix:path=…`), for diagnostics.
    public let resolvedAddress: String

    /// Connects (without waiting for the bus's answer: authentication and `Hello` proceed as
    /// `queue` runs). Throws when there is no bus at the address.
    ///
    /// - Parameter onDisconnect: called once on `queue` when the connection is lost, not after `close()`.
    public static func open(
        _ address: BusAddress, queue: DispatchQueue, onDisconnect: (@Sendable (BusError) -> Void)? = nil
    ) throws(BusError) -> Bus {
        dispatchPrecondition(condition: .onQueue(queue))
        let operation = "Connecting to \(address)"
        var h: OpaquePointer?
        var r: Int32
        switch address {
        case .session:
            r = sd_bus_open_user(&h)
        case .address(let a):
            r = sd_bus_new(&h)
            if r >= 0 { r = a.withCString { sd_bus_set_address(h, $0) } }
            if r >= 0 { r = sd_bus_set_bus_client(h, 1) }
            if r >= 0 { r = sd_bus_start(h) }
        }
        guard r >= 0, let handle = h else {
            sd_bus_unref(h)
            throw BusError(operation, returned: r)
        }
        let busFD = sd_bus_get_fd(handle)
        let own = busFD < 0 ? busFD : fcntl(busFD, F_DUPFD_CLOEXEC, 3)
        guard own >= 0 else {
            sd_bus_unref(handle)
            throw BusError(operation, returned: busFD < 0 ? busFD : -errno)
        }
        var addr: UnsafePointer<CChar>? = nil
        let resolved = sd_bus_get_address(handle, &addr) >= 0 ? addr.map { String(cString: $0) } : nil
        let bus = Bus(handle: handle, fd: own, queue: queue, address: resolved ?? address.description)
        bus.onDisconnect = onDisconnect
        bus.start()
        return bus
    }

    private init(handle: OpaquePointer, fd: Int32, queue: DispatchQueue, address: String) {
        self.handle = handle
        self.fd = fd
        self.queue = queue
        self.resolvedAddress = address
        readSource = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        timer = DispatchSource.makeTimerSource(queue: queue)
    }

    private func start() {
        let pump: @Sendable () -> Void = { [weak self] in self?.pump() }
        readSource.setEventHandler(handler: pump)
        writeSource.setEventHandler(handler: pump)
        timer.setEventHandler(handler: pump)
        // The descriptor is closed only after both fd sources have been cancelled.
        let group = DispatchGroup()
        group.enter()
        group.enter()
        readSource.setCancelHandler { group.leave() }
        writeSource.setCancelHandler { group.leave() }
        let fd = self.fd
        group.notify(queue: queue) { _ = Glibc.close(fd) }
        readSource.resume()
        pump()
    }

    deinit {
        // The last reference is dropped by the owner on `queue` (or after `close()`).
        if handle != nil { teardown() }
    }

    /// Whether the connection is still open (not closed, not lost).
    public var isOpen: Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        return handle != nil
    }

    /// Closes the connection. Pending calls complete with a `disconnected` error; `onDisconnect`
    /// is not called. Messages still queued for writing are dropped.
    public func close() {
        dispatchPrecondition(condition: .onQueue(queue))
        onDisconnect = nil
        teardown()
    }

    private func teardown() {
        guard let h = handle else { return }
        handle = nil
        readSource.cancel()
        if !writeResumed { writeSource.resume() }  // a suspended source never runs its cancel handler
        writeSource.cancel()
        if !timerResumed {
            timer.schedule(deadline: .distantFuture)
            timer.resume()
        }
        timer.cancel()
        sd_bus_close(h)
        sd_bus_unref(h)  // frees every slot: their destroy callbacks complete pending calls
    }

    // MARK: Event loop

    /// Runs `sd_bus_process` until it has nothing left, then re-arms the write source and timer.
    private func pump() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !processing else { return }  // a callback inside sd_bus_process sent something; the outer loop re-arms
        processing = true
        defer { processing = false }
        while let h = handle {
            let r = sd_bus_process(h, nil)
            if r < 0 {
                lost(BusError("Connection to the bus at \(resolvedAddress)", returned: r))
                return
            }
            if r == 0 { break }
        }
        rearm()
    }

    private func rearm() {
        guard let h = handle else { return }
        let events = sd_bus_get_events(h)
        if events < 0 {
            lost(BusError("Connection to the bus at \(resolvedAddress)", returned: events))
            return
        }
        let wantsWrite = events & Int32(POLLOUT) != 0
        if wantsWrite && !writeResumed {
            writeSource.resume()
            writeResumed = true
        } else if !wantsWrite && writeResumed {
            writeSource.suspend()
            writeResumed = false
        }
        var usec: UInt64 = 0
        if sd_bus_get_timeout(h, &usec) >= 0, usec != UInt64.max {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let nowUsec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
            let delta = usec > nowUsec ? usec - nowUsec : 0
            timer.schedule(deadline: .now() + .microseconds(Int(min(delta, UInt64(Int32.max)))))
            if !timerResumed {
                timer.resume()
                timerResumed = true
            }
        } else if timerResumed {
            timer.suspend()
            timerResumed = false
        }
    }

    private func lost(_ error: BusError) {
        let handler = onDisconnect
        onDisconnect = nil
        teardown()
        handler?(error)
    }

    /// After queuing a message from outside a callback: write it now and re-arm.
    private func kick() {
        if !processing { pump() }
    }

    // MARK: Calls

    /// Sends `call`; `completion` runs once on `queue` with the reply, the peer's error, a
    /// timeout, or a `disconnected` error if the connection goes away first.
    public func call(_ call: MethodCall, completion: @escaping @Sendable (Result<BusMessage, BusError>) -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        let operation = call.operation
        guard let h = handle else {
            completion(.failure(.notConnected(operation)))
            return
        }
        var m: OpaquePointer?
        var r = call.destination.withCString { dest in
            call.path.withCString { path in
                call.interface.withCString { iface in
                    call.member.withCString { member in
                        sd_bus_message_new_method_call(h, &m, dest, path, iface, member)
                    }
                }
            }
        }
        defer { sd_bus_message_unref(m) }
        if r >= 0, let m { r = Marshal.append(call.arguments, to: m) }
        if r >= 0, !call.autoStart { r = sd_bus_message_set_auto_start(m, 0) }
        if r < 0 {
            completion(.failure(BusError(operation, returned: r)))
            return
        }
        let box = CallBox(operation: operation, completion: completion)
        let context = Unmanaged.passRetained(box).toOpaque()
        var slot: OpaquePointer?
        let usec = call.timeout.map { UInt64($0.components.seconds) * 1_000_000 + UInt64($0.components.attoseconds / 1_000_000_000_000) } ?? 0
        r = sd_bus_call_async(
            h, &slot, m,
            { reply, userdata, _ in
                let box = Unmanaged<CallBox>.fromOpaque(userdata!).takeUnretainedValue()
                box.deliver(reply)
                return 0
            }, context, usec)
        if r < 0 {
            Unmanaged<CallBox>.fromOpaque(context).release()
            completion(.failure(BusError(operation, returned: r)))
            return
        }
        Bus.ownSlot(slot!)
        kick()
    }

    /// Emits a signal (from this connection's unique name).
    public func emit(_ signal: SignalEmission) throws(BusError) {
        dispatchPrecondition(condition: .onQueue(queue))
        let operation = "Emitting \(signal.interface).\(signal.member)"
        guard let h = handle else { throw .notConnected(operation) }
        var m: OpaquePointer?
        var r = signal.path.withCString { path in
            signal.interface.withCString { iface in
                signal.member.withCString { member in sd_bus_message_new_signal(h, &m, path, iface, member) }
            }
        }
        defer { sd_bus_message_unref(m) }
        if r >= 0, let destination = signal.destination {
            r = destination.withCString { sd_bus_message_set_destination(m, $0) }
        }
        if r >= 0, let m { r = Marshal.append(signal.arguments, to: m) }
        if r >= 0 { r = sd_bus_send(h, m, nil) }
        if r < 0 { throw BusError(operation, returned: r) }
        kick()
    }

    /// Subscribes to signals matching `rule` for the life of this connection. `handler` runs on
    /// `queue` for each one; `installed` reports once whether the bus accepted the rule.
    public func addMatch(
        _ rule: MatchRule, installed: (@Sendable (Result<Void, BusError>) -> Void)? = nil,
        handler: @escaping @Sendable (BusMessage) -> Void
    ) throws(BusError) {
        dispatchPrecondition(condition: .onQueue(queue))
        let operation = "Adding the match \(rule)"
        guard let h = handle else { throw .notConnected(operation) }
        let box = MatchBox(operation: operation, handler: handler, installed: installed)
        let context = Unmanaged.passRetained(box).toOpaque()
        var slot: OpaquePointer?
        let r = rule.description.withCString { match in
            sd_bus_add_match_async(
                h, &slot, match,
                { m, userdata, _ in
                    Unmanaged<MatchBox>.fromOpaque(userdata!).takeUnretainedValue().signal(m)
                    return 0
                },
                { reply, userdata, _ in
                    Unmanaged<MatchBox>.fromOpaque(userdata!).takeUnretainedValue().install(reply)
                    return 0
                }, context)
        }
        if r < 0 {
            Unmanaged<MatchBox>.fromOpaque(context).release()
            throw BusError(operation, returned: r)
        }
        Bus.ownSlot(slot!)
        kick()
    }

    /// Hands `slot` to the bus (floating) and releases its retained box when sd-bus frees it.
    private static func ownSlot(_ slot: OpaquePointer) {
        _ = sd_bus_slot_set_destroy_callback(slot) { userdata in
            let box = Unmanaged<AnyObject>.fromOpaque(userdata!).takeRetainedValue() as! SlotBox
            box.destroyed()
        }
        _ = sd_bus_slot_set_floating(slot, 1)
    }
}

/// The context of a C callback; lives from `passRetained` until the slot's destroy callback.
/// Only touched on the bus's queue (inside `sd_bus_process` or teardown).
private protocol SlotBox: AnyObject {
    func destroyed()
}

private final class CallBox: SlotBox {
    let operation: String
    var completion: (@Sendable (Result<BusMessage, BusError>) -> Void)?

    init(operation: String, completion: @escaping @Sendable (Result<BusMessage, BusError>) -> Void) {
        self.operation = operation
        self.completion = completion
    }

    func deliver(_ reply: OpaquePointer?) {
        guard let completion else { return }
        self.completion = nil
        guard let reply else {
            completion(.failure(.notConnected(operation, "no reply")))
            return
        }
        if let e = sd_bus_message_get_error(reply) {
            completion(.failure(BusError(operation, e)))
            return
        }
        switch Marshal.message(reply) {
        case .success(let m): completion(.success(m))
        case .failure(let f): completion(.failure(BusError("Reading the reply of \(operation)", returned: f.code)))
        }
    }

    func destroyed() {
        // The connection closed before a reply (or an sd-bus synthesized error) came.
        if let completion {
            self.completion = nil
            completion(.failure(.notConnected(operation, "the connection was closed")))
        }
    }
}

private final class MatchBox: SlotBox {
    let operation: String
    let handler: @Sendable (BusMessage) -> Void
    var installed: (@Sendable (Result<Void, BusError>) -> Void)?

    init(
        operation: String, handler: @escaping @Sendable (BusMessage) -> Void,
        installed: (@Sendable (Result<Void, BusError>) -> Void)?
    ) {
        self.operation = operation
        self.handler = handler
        self.installed = installed
    }

    func signal(_ m: OpaquePointer?) {
        guard let m, case .success(let message) = Marshal.message(m) else { return }
        handler(message)
    }

    func install(_ reply: OpaquePointer?) {
        guard let installed else { return }
        self.installed = nil
        if let reply, let e = sd_bus_message_get_error(reply) {
            installed(.failure(BusError(operation, e)))
        } else {
            installed(.success(()))
        }
    }

    func destroyed() {
        if let installed {
            self.installed = nil
            installed(.failure(.notConnected(operation, "the connection was closed")))
        }
    }
}
