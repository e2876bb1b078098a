// Watches entries of a directory that may not exist yet, or may be removed and created again (a
// fresh account whose ~/.config/trust is made after trustd started; `rm -r` and a restore).
// While the directory is missing, the nearest existing ancestor is watched for the next
// component of the path; each time one appears the watch moves down, until the directory itself
// is watched with a `FileWatcher`.
import Dispatch
import Glibc

/// A `FileWatcher` on `directory` that also waits for `directory` to exist.
///
/// Confinement: `current` is only touched on `queue` (the watchers' handlers run there, and
/// `init` and `cancel` hop onto it); that is what makes `@unchecked Sendable` sound.
public final class PathWatcher: @unchecked Sendable {
    public enum Event: Sendable, Hashable {
        /// An entry changed (see `FileWatcher.Event`).
        case changed(name: String, FileWatcher.Change)
        /// Events were lost: re-read whatever you watch.
        case overflow
        /// The directory now exists (it did not, or was removed): its entries may already be there.
        case directoryAppeared
        /// The directory was removed or moved away: its entries are gone until it appears again.
        case directoryGone
    }

    public let directory: String
    private let names: Set<String>
    private let changes: FileWatcher.Change
    private let queue: DispatchQueue
    private let handler: @Sendable ([Event]) -> Void
    private var current: FileWatcher?
    /// The directory `current` watches.
    private var watched: String?
    private var cancelled = false

    /// Starts watching `directory` (absolute, or relative to the working directory) for `changes`
    /// of the entries in `names`. Throws only when not even `/` (or `.`) can be watched.
    public init(
        directory: String, names: Set<String>, changes: FileWatcher.Change = .replacedOrSaved, queue: DispatchQueue,
        handler: @escaping @Sendable ([Event]) -> Void
    ) throws(WatchError) {
        self.directory = directory
        self.names = names
        self.changes = changes
        self.queue = queue
        self.handler = handler
        dispatchPrecondition(condition: .notOnQueue(queue))
        var failure: WatchError?
        queue.sync {
            do throws(WatchError) { try self.rewatch(appeared: false) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    deinit { current?.cancel() }

    /// Stops watching. Safe to call more than once, from any thread but `queue`'s own handlers'.
    public func cancel() {
        queue.async {
            self.cancelled = true
            self.current?.cancel()
            self.current = nil
        }
    }

    /// Watches `directory` if it exists, else its nearest existing ancestor. `appeared`: tell
    /// the handler when `directory` is watched again after it was missing.
    private func rewatch(appeared: Bool) throws(WatchError) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !cancelled else { return }
        let target = directory.isEmpty ? "." : directory
        var waited = appeared
        while true {
            var path = target
            while !Self.isDirectory(path) {
                let parent = Self.parent(of: path)
                if parent == path { throw WatchError("Watching \(directory): none of its ancestors is a directory") }
                path = parent
            }
            if path == watched, current != nil { return }
            forget()
            do throws(WatchError) {
                if path == target {
                    try watchTarget(path)
                    if waited { handler([.directoryAppeared]) }
                    return
                }
                // Watch the ancestor, then look again: the next component may have been created
                // between the look and the watch.
                try watchAncestor(path)
            } catch {
                // Removed between the look and the watch (`rm -r` of the plan's directory and its
                // parent; it may even be back by now): look again from the top. Any other failure
                // (permissions, no more watches) is the error.
                guard error.isMissing else { throw error }
            }
            waited = true
        }
    }

    private func watchTarget(_ path: String) throws(WatchError) {
        let w = try FileWatcher(directory: path, names: names, changes: changes, queue: queue) { [weak self] events in
            guard let self else { return }
            var out: [Event] = []
            var gone = false
            for e in events {
                switch e {
                case .changed(let name, let change): out.append(.changed(name: name, change))
                case .overflow: out.append(.overflow)
                case .directoryGone: gone = true
                }
            }
            if gone {
                out.append(.directoryGone)
                self.forget()
            }
            if !out.isEmpty { self.handler(out) }
            if gone { self.tryRewatch(appeared: true) }
        }
        current = w
        watched = path
    }

    /// Waits in `path` for anything to be created or moved in; then looks again from the top.
    private func watchAncestor(_ path: String) throws(WatchError) {
        let w = try FileWatcher(
            directory: path, names: nil, changes: [.created, .movedIn], queue: queue
        ) { [weak self] events in
            guard let self else { return }
            // The ancestor itself went: a directory made again at its path is another one, so this
            // watch must not stand for it (the look compares paths).
            if events.contains(.directoryGone) { self.forget() }
            self.tryRewatch(appeared: true)
        }
        current = w
        watched = path
    }

    /// Drops the current watch: nothing is watched until the next look.
    private func forget() {
        current?.cancel()
        current = nil
        watched = nil
    }

    private func tryRewatch(appeared: Bool) {
        do throws(WatchError) {
            try rewatch(appeared: appeared)
        } catch {
            // Nothing is watchable any more (not even "/"): stay silent, as a FileWatcher whose
            // directory is gone does.
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// `/a/b` → `/a`, `/a` → `/`, `a` → `.`, `/` → `/`, `.` → `.`.
    static func parent(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        if slash == p.startIndex { return "/" }
        return String(p[..<slash])
    }
}
