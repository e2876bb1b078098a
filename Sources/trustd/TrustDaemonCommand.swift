// `trustd`: the command line of the daemon, and its composition root: opens the ledger (TrustStore)
// and the desktop, and hands them to the daemon as ports.
import ArgumentParser
import Dispatch
import Foundation
import LinuxWatch
import Logging
import SystemdKit
import TrustCore
import TrustDaemon
import TrustDesktop
import TrustPlan
import TrustStore

struct TrustDaemonCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "trustd",
        abstract: "The trust check-in daemon: asks about each promise in your plan at its time and records the answers.",
        discussion: """
            Usually run by systemd as a user service (systemctl --user enable --now trustd). Run in a
            terminal, it also prints each check-in there and takes typed answers (k, m, s, z).
            SIGHUP or an edit of the plan file reloads the plan; a plan with errors is rejected and the
            running schedule stays.
            """)

    @Option(name: .long, help: ArgumentHelp("The plan file (default: $XDG_CONFIG_HOME/trust/plan.yaml).", valueName: "PATH"))
    var plan: String?

    @Option(name: .long, help: ArgumentHelp("The ledger file (default: $XDG_STATE_HOME/trust/ledger.sqlite).", valueName: "PATH"))
    var store: String?

    @Flag(name: .long, help: "Do not use desktop notifications (prompts go to the terminal or the journal).")
    var noDesktop = false

    @Flag(name: .long, help: "Do not print check-ins to the terminal or read answers from it.")
    var noTerminal = false

    @Flag(name: .long, help: "Add a clearly labelled demo check-in, due --demo-delay seconds after start.")
    var demo = false

    @Option(name: .long, help: ArgumentHelp("Seconds until the demo check-in.", valueName: "SECONDS"))
    var demoDelay: Double = 60

    @Flag(name: .long, help: "Log debug messages too.")
    var verbose = false

    init() {}

    /// The exit status when the ledger cannot be used (damaged, refused): `EX_DATAERR` (sysexits.h).
    static let ledgerUnusable: Int32 = 65

    static let signals: Set<Signal> = [.hangup, .terminate, .interrupt]

    /// Call first thing in `main`, before any thread exists: blocks the signals the main thread
    /// waits for, so that no thread runs their default action (see `SignalWaiter`).
    static func prepareProcess() {
        SignalWaiter.block(signals)
    }

    func validate() throws {
        if demoDelay < 0 || !demoDelay.isFinite { throw ValidationError("--demo-delay must be a number of seconds ≥ 0") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        TrustLogging.bootstrap(level: verbose ? .debug : .info, environment: environment)
        let log = Logger(label: "trustd")
        let planPath = plan ?? PlanLocation.defaultPath(environment: environment)
        let storePath = store ?? StoreLocation.defaultPath(environment: environment)

        let service = SystemdServiceStatus { error in log.warning("\(error)") }
        let ledger: TrustStore
        do {
            ledger = try TrustStore(path: storePath, mode: .create)
        } catch {
            // A ledger trustd must not write (damaged, another program's, a newer schema) or
            // cannot open: stop with the reason in `systemctl --user status` and the journal,
            // never write. Not a crash loop: the same file fails the same way, so the exit status
            // says "bad data" (EX_DATAERR) and the unit's start limit ends the restarts.
            service.tell([.status("Stopped: \(error)")])
            log.critical("trustd cannot use its ledger and stops without writing anything: \(error)")
            throw ExitCode(Self.ledgerUnusable)
        }

        let queue = DispatchQueue(label: "trustd")
        let underSystemd = environment["INVOCATION_ID"] != nil || environment["NOTIFY_SOCKET"] != nil
        let interactive = !noTerminal && !underSystemd && standardInputIsTerminal
        let notifier: (any Notifier)? = noDesktop ? nil : NotificationClient(deliveryQueue: queue)
        var options = DaemonOptions(planPath: planPath, demoDelay: demo ? demoDelay : nil)
        // Idle, trustd needs little of the code start-up and a plan load touched: give those
        // clean pages back (they are read again from the page cache when needed).
        options.settled = { ResidentMemory.releaseFileBackedPages() }
        options.warmUpLead = 0.5
        let daemon = Daemon(
            options: options,
            ports: DaemonPorts(
                ledger: StoreLedger(ledger), clock: SystemClock(), notifier: notifier, console: interactive ? StandardConsole() : nil,
                service: service, logger: log),
            queue: queue)
        log.info("trustd starting: plan \(planPath), ledger \(storePath)\(demo ? ", demo check-in in \(Int(demoDelay)) s" : "")")
        let host = DaemonHost(daemon: daemon, planPath: planPath, ledgerPath: storePath, logger: log)
        host.start()

        // The main thread takes the signals; everything else happens on the daemon's queue.
        let waiter = SignalWaiter(Self.signals)
        while true {
            let signal = waiter.next()
            switch signal {
            case .hangup:
                daemon.reload(reason: "SIGHUP")
            case .terminate, .interrupt:
                log.info("\(signal): stopping")
                let stopped = DispatchSemaphore(value: 0)
                host.stop { stopped.signal() }
                stopped.wait()
                return
            }
        }
    }
}
