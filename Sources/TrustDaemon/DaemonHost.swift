// Connects a Daemon to the machine: the plan and ledger files (inotify), clock changes (timerfd),
// the systemd watchdog. Everything is delivered on the daemon's queue. (Signals are taken by the
// main thread: see `TrustDaemonCommand`, in the trustd executable.)
import Dispatch
import Foundation
import LinuxWatch
import Logging
import SystemdKit

/// The event sources around one `Daemon`.
///
/// Confinement: `start` is called once, on any thread, before anything else; the watchers it
/// stores deliver on `daemon.queue` and are only read again by `stop`, on that queue (after
/// `start` returned). `planTarget` is only touched on `daemon.queue`. That ordering is what
/// makes `@unchecked Sendable` sound.
public final class DaemonHost: @unchecked Sendable {
    public let daemon: Daemon
    private let planPath: String
    private let ledgerPath: String
    private let log: Logger
    private var watchers: [AnyObject] = []
    private var watchdog: WatchdogPinger?
    /// When the plan is a symlink (a dotfiles checkout): its resolved path and the watcher of
    /// that file's directory, since an edit of the target changes nothing beside the link.
    private var planTarget: (path: String, watcher: FileWatcher?)?

    public init(daemon: Daemon, planPath: String, ledgerPath: String, logger: Logger) {
        self.daemon = daemon
        self.planPath = planPath
        self.ledgerPath = ledgerPath
        self.log = logger
    }

    /// Starts the event sources and the daemon. Not on `daemon.queue`.
    public func start() {
        let queue = daemon.queue
        let daemon = self.daemon
        let log = self.log

        let planDirectory = (planPath as NSString).deletingLastPathComponent
        let planName = (planPath as NSString).lastPathComponent
        do {
            // Also when the directory does not exist yet (or is removed): the watch waits for it.
            let w = try PathWatcher(directory: planDirectory.isEmpty ? "." : planDirectory, names: [planName], queue: queue) {
                events in
                if events.contains(.directoryGone) {
                    log.warning("\(planDirectory) was removed or moved: trustd reads the plan again when it is back")
                }
                if events.contains(where: { $0 != .directoryGone }) {
                    self.followPlanTarget()  // the link may point elsewhere now
                    daemon.planFileChanged()
                }
            }
            watchers.append(w)
        } catch {
            log.warning("\(error): plan changes are noticed only on SIGHUP (systemctl --user reload trustd)")
        }
        queue.async { self.followPlanTarget() }

        let ledgerDirectory = (ledgerPath as NSString).deletingLastPathComponent
        let ledgerName = (ledgerPath as NSString).lastPathComponent
        do {
            let w = try FileWatcher(
                directory: ledgerDirectory.isEmpty ? "." : ledgerDirectory, names: [ledgerName, ledgerName + "-wal"],
                changes: [.modified, .created, .movedIn, .closedAfterWriting], queue: queue
            ) { _ in daemon.ledgerFileChanged() }
            watchers.append(w)
        } catch {
            log.warning("\(error): answers given with trustctl close their notification only at the next check-in")
        }

        // timedatectl set-timezone replaces the /etc/localtime symlink (and /etc/timezone).
        do {
            let w = try FileWatcher(directory: "/etc", names: ["localtime", "timezone"], queue: queue) { _ in
                daemon.systemTimeZoneChanged()
            }
            watchers.append(w)
        } catch {
            log.warning("\(error): a changed system time zone is noticed after a restart only")
        }

        do {
            let w = try ClockChangeWatcher(queue: queue) { _ in daemon.clockChanged() }
            watchers.append(w)
        } catch {
            log.warning("\(error): a changed clock is noticed at the next timer only")
        }

        do {
            watchdog = try WatchdogPinger(queue: queue) { error in log.warning("Watchdog ping failed: \(error)") }
            watchdog?.start()
        } catch {
            log.warning("\(error)")
        }

        daemon.start()
    }

    /// Watches the directory of the file a symlinked plan points to (resolving every link on the
    /// way), and stops watching one it no longer points to.
    private func followPlanTarget() {
        dispatchPrecondition(condition: .onQueue(daemon.queue))
        let isLink = (try? FileManager.default.destinationOfSymbolicLink(atPath: planPath)) != nil
        let target = isLink ? URL(fileURLWithPath: planPath).resolvingSymlinksInPath().path : nil
        guard target != planTarget?.path else { return }
        planTarget?.watcher?.cancel()
        planTarget = nil
        guard let target else { return }
        let directory = (target as NSString).deletingLastPathComponent
        let daemon = self.daemon
        do {
            let w = try FileWatcher(
                directory: directory, names: [(target as NSString).lastPathComponent], queue: daemon.queue
            ) { events in
                if events.contains(where: { if case .changed = $0 { true } else { $0 == .overflow } }) {
                    daemon.planFileChanged()
                }
            }
            planTarget = (target, w)
        } catch {
            planTarget = (target, nil)
            log.warning("\(error): edits of \(target), which \(planPath) links to, are noticed only on SIGHUP")
        }
    }

    /// Stops the event sources, then the daemon; `completion` runs on the daemon's queue.
    public func stop(completion: @escaping @Sendable () -> Void) {
        daemon.queue.async { [self] in
            planTarget?.watcher?.cancel()
            watchdog?.stop()
            for w in watchers {
                (w as? FileWatcher)?.cancel()
                (w as? PathWatcher)?.cancel()
                (w as? ClockChangeWatcher)?.cancel()
            }
            daemon.stop(completion: completion)
        }
    }
}
