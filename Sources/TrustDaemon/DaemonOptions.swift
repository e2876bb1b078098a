// Owns what a daemon is built from: the settings of one run (DaemonOptions) and its ports
// (DaemonPorts: the ledger, the clock, the desktop, the terminal, systemd, the log).
import Foundation
import Logging
import TrustCore
import TrustDesktop
import TrustPlan

/// Settings of one daemon run.
public struct DaemonOptions: Sendable {
    /// The plan file.
    public var planPath: String
    /// Adds a clearly labelled demo check-in due this long after start (`trustd --demo`).
    public var demoDelay: TimeInterval?
    /// See `Scheduler.lateTolerance`.
    public var lateTolerance: TimeInterval = 60
    /// See `Scheduler.catchUpLimit`.
    public var catchUpLimit: Int = 10_000
    /// Plan file events closer together than this cause one reload.
    public var reloadDebounce: TimeInterval = 0.2
    /// How long the first scheduling step waits for the notifier to say whether a server is there.
    public var desktopGrace: TimeInterval = 2
    /// Delay before retrying after the ledger failed (doubling up to `ledgerRetryMax`).
    public var ledgerRetry: TimeInterval = 5
    public var ledgerRetryMax: TimeInterval = 300
    /// Called on the daemon's queue `settleDelay` after its last scheduling step (start-up, a
    /// reload, a check-in, an answer), once: the moment to give the pages that work touched back
    /// (`ResidentMemory.releaseFileBackedPages`). Not called while idle, nor after `stop`.
    public var settled: (@Sendable () -> Void)?
    public var settleDelay: TimeInterval = 2
    /// With `settled`: a wake more than `settleDelay + warmUpLead` away (the pages are given back
    /// before it) is preceded by a scheduling step this much earlier, which reads the ledger and decides (nothing
    /// is due yet) and so pages that code and data back in before the instant, not after it.
    public var warmUpLead: TimeInterval = 0
    /// How long a stop waits for the server to confirm the notifications it closes.
    public var closeGrace: TimeInterval = 2
    /// The zone of a plan that names none: the system's, asked again at every plan load (a
    /// changed system zone reloads the plan).
    public var systemTimeZone: @Sendable () -> TimeZone
    /// Reads and validates the plan file (path, the zone of a plan without one, now); called on
    /// the daemon's plan reader queue, never on its main queue.
    public var readPlan: @Sendable (_ path: String, _ zone: TimeZone, _ now: Date) -> PlanReadResult = {
        PlanReader.load(path: $0, defaultTimeZone: $1, now: $2)
    }

    public init(
        planPath: String, systemTimeZone: @escaping @Sendable () -> TimeZone = Self.currentSystemTimeZone,
        demoDelay: TimeInterval? = nil
    ) {
        self.planPath = planPath
        self.systemTimeZone = systemTimeZone
        self.demoDelay = demoDelay
    }

    /// Foundation's idea of the system zone, re-read (it is cached otherwise): `$TZ`, else
    /// `/etc/localtime`.
    public static let currentSystemTimeZone: @Sendable () -> TimeZone = {
        NSTimeZone.resetSystemTimeZone()
        return TimeZone.current
    }
}

/// What the daemon is built from (ports with real implementations and test doubles).
public struct DaemonPorts {
    public var ledger: any Ledger
    public var clock: any DaemonClock
    /// The desktop; nil with `--no-desktop` (prompts go to the terminal or the journal).
    public var notifier: (any Notifier)?
    /// The terminal in foreground mode; nil under systemd.
    public var console: (any Console)?
    public var service: any ServiceStatus
    public var logger: Logger

    public init(
        ledger: any Ledger, clock: any DaemonClock, notifier: (any Notifier)?, console: (any Console)?,
        service: any ServiceStatus, logger: Logger
    ) {
        self.ledger = ledger
        self.clock = clock
        self.notifier = notifier
        self.console = console
        self.service = service
        self.logger = logger
    }
}
