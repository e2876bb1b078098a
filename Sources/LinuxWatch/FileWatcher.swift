// inotify on one directory, delivered through a Dispatch read source. Editors save by writing a
// temporary file and renaming it over the original, so a plan file is watched through its
// directory (IN_MOVED_TO, IN_CLOSE_WRITE, IN_CREATE, …) filtered by name, not through the file's
// own inode, which a rename replaces.
import Dispatch
import Glibc

/// Watches a directory for changes to some of its entries.
///
/// Confinement: the handler runs on `queue`. `@unchecked Sendable` because Dispatch sources are
/// not marked `Sendable`: `source` is immutable after `init` and `cancel()` (thread-safe in
/// Dispatch) may be called from any thread; the inotify descriptor is closed by the source's
/// cancel handler.
public final class FileWatcher: @unchecked Sendable {
    /// What happened to an entry.
    public struct Change: OptionSet, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let created = Change(rawValue: UInt32(IN_CREATE))
        /// Data written (every `write`; use for files appended in place, like a SQLite WAL).
        public static let modified = Change(rawValue: UInt32(IN_MODIFY))
        /// A file opened for writing was closed (a save in place finished).
        public static let closedAfterWriting = Change(rawValue: UInt32(IN_CLOSE_WRITE))
        public static let deleted = Change(rawValue: UInt32(IN_DELETE))
        /// Renamed into the directory (an editor's atomic save, `mv new plan.yaml`).
        public static let movedIn = Change(rawValue: UInt32(IN_MOVED_TO))
        public static let movedOut = Change(rawValue: UInt32(IN_MOVED_FROM))
        /// Permissions, owner or timestamps changed.
        public static let attributes = Change(rawValue: UInt32(IN_ATTRIB))

        /// What a configuration file watcher wants: a save in place or by rename, creation,
        /// deletion, permission changes. Not `.modified` (a half-written file is not news).
        public static let replacedOrSaved: Change = [
            .created, .closedAfterWriting, .deleted, .movedIn, .movedOut, .attributes,
        ]

        public var description: String {
            let names: [(Change, String)] = [
                (.created, "created"), (.modified, "modified"), (.closedAfterWriting, "closed-after-writing"),
                (.deleted, "deleted"), (.movedIn, "moved-in"), (.movedOut, "moved-out"), (.attributes, "attributes"),
            ]
            return names.filter { contains($0.0) }.map(\.1).joined(separator: ",")
        }
    }

    public enum Event: Sendable, Hashable {
        /// An entry named `name` changed.
        case changed(name: String, Change)
        /// The kernel's queue overflowed and events were lost: re-read whatever you watch.
        case overflow
        /// The directory itself was deleted, moved or unmounted: no further events come.
        case directoryGone
    }

    public let directory: String
    private let source: DispatchSourceRead

    /// Starts watching `directory` (which must exist) for `changes` to the entries named in
    /// `names` (all entries when nil). `handler` receives the events of one read, in order.
    public init(
        directory: String, names: Set<String>? = nil, changes: Change = .replacedOrSaved, queue: DispatchQueue,
        handler: @escaping @Sendable ([Event]) -> Void
    ) throws(WatchError) {
        self.directory = directory
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if fd < 0 { throw WatchError("Creating an inotify instance to watch \(directory)") }
        let mask =
            changes.rawValue | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ONLYDIR)
            | UInt32(IN_EXCL_UNLINK)
        let wd = inotify_add_watch(fd, directory, mask)
        if wd < 0 {
            let error = WatchError("Watching \(directory) for changes")
            close(fd)
            throw error
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        let wanted = changes.rawValue
        source.setEventHandler {
            let events = FileWatcher.drain(fd: fd, names: names, wanted: wanted)
            if !events.isEmpty { handler(events) }
        }
        source.setCancelHandler { close(fd) }
        self.source = source
        source.resume()
    }

    deinit { source.cancel() }

    /// Stops watching. Safe to call more than once and from any thread.
    public func cancel() { source.cancel() }

    /// Reads every queued event (the descriptor is non-blocking) and decodes it.
    private static func drain(fd: Int32, names: Set<String>?, wanted: UInt32) -> [Event] {
        var events: [Event] = []
        // Room for many events; one event needs at most 16 + NAME_MAX + 1 bytes.
        let capacity = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: capacity)
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in
                retryingOnInterrupt { read(fd, raw.baseAddress, capacity) }
            }
            if n <= 0 { break }  // EAGAIN: drained (an error here has no remedy but the next event)
            events += decode(buffer[0..<n], names: names, wanted: wanted)
        }
        return events
    }

    /// Decodes `struct inotify_event { int wd; uint32_t mask, cookie, len; char name[]; }` records.
    static func decode(_ bytes: ArraySlice<UInt8>, names: Set<String>?, wanted: UInt32) -> [Event] {
        var out: [Event] = []
        bytes.withUnsafeBytes { raw in
            var offset = 0
            let header = 16
            while offset + header <= raw.count {
                let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let nameBytes = raw[(offset + header)..<min(raw.count, offset + header + length)]
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                offset += header + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    out.append(.overflow)
                } else if mask & (UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_UNMOUNT)) != 0 {
                    if out.last != .directoryGone { out.append(.directoryGone) }
                } else if mask & UInt32(IN_IGNORED) != 0 {
                    if out.last != .directoryGone { out.append(.directoryGone) }
                } else if !name.isEmpty, mask & wanted != 0, names?.contains(name) ?? true {
                    out.append(.changed(name: name, Change(rawValue: mask & wanted)))
                }
            }
        }
        return out
    }
}
