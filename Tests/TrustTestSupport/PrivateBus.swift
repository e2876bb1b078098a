import Foundation
import SystemdKit

/// A private D-Bus session bus for one test (or suite): its own `dbus-daemon` with the config the
/// scripts share (`private-bus.conf`: no service directories unless asked, so nothing is
/// auto-started), listening on a socket in a fresh temporary directory. `stop()` kills the daemon
/// (the bus "dies"); `restart()` brings a new daemon up on the same address, as a session bus
/// restart would.
///
///     let bus = try await PrivateBus.start()
///     ...
///     await bus.shutdown()
public final class PrivateBus: @unchecked Sendable {
    // Confinement: `daemon` is guarded by `lock`; the rest is immutable.
    public let directory: String
    /// `unix:path=<directory>/bus`.
    public let address: String
    private let configPath: String
    private let lock = NSLock()
    private var daemon: ChildProcess?

    /// `Tests/TrustTestSupport/private-bus.conf`, which the scripts use too.
    private static let sharedConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("private-bus.conf").path

    private init(directory: String, configPath: String) {
        self.directory = directory
        self.address = "unix:path=\(directory)/bus"
        self.configPath = configPath
    }

    /// Starts a bus; throws with the reason when `dbus-daemon` is missing or fails.
    ///
    /// - Parameter serviceDirectory: `.service` files the bus may activate (tests of bus
    ///   activation); none by default. An activation that does not take its name fails after
    ///   one second (`service_start_timeout`; this dbus-daemon does not notice a service that
    ///   exits early and would wait 25 s).
    public static func start(serviceDirectory: String? = nil) async throws -> PrivateBus {
        let dir = try TemporaryDirectory.make(prefix: "trustd-bus")
        var configPath = sharedConfig
        if let serviceDirectory {
            // The shared config plus the service directory.
            configPath = dir + "/bus.conf"
            let config = """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <include>\(sharedConfig)</include>
                  <servicedir>\(serviceDirectory)</servicedir>
                  <limit name="service_start_timeout">1000</limit>
                </busconfig>
                """
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        }
        let bus = PrivateBus(directory: dir, configPath: configPath)
        try await bus.launch()
        return bus
    }

    private func launch() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/dbus-daemon") else {
            throw HarnessError("dbus-daemon is not installed (apt-get install dbus; Scripts/setup does)")
        }
        // A shell holds the daemon and kills it when its stdin closes: when this test process
        // ends, however it ends, no daemon is left behind.
        let script = """
            rm -f "$1/bus"
            /usr/bin/dbus-daemon --nofork --config-file="$2" --address="unix:path=$1/bus" --print-address=1 &
            pid=$!
            read -r _ || true
            kill -KILL "$pid" 2>/dev/null  # SIGTERM may be blocked: children inherit the test runner's signal mask
            wait "$pid" 2>/dev/null
            exit 0
            """
        let child = try ChildProcess(
            "/bin/bash", ["-c", script, "bash", directory, configPath], stderrPath: directory + "/dbus-daemon.log")
        _ = try await child.line(where: { $0.hasPrefix("unix:") })
        lock.withLock { daemon = child }
    }

    /// Kills the daemon: every connection sees the bus go away.
    public func stop() async {
        let child = lock.withLock {
            defer { daemon = nil }
            return daemon
        }
        await child?.stop()
    }

    /// A new daemon on the same address (after `stop()`).
    public func restart() async throws {
        await stop()
        try await launch()
    }

    /// Stops the daemon and removes the directory.
    public func shutdown() async {
        await stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    public var busAddress: BusAddress { .address(address) }
}

public enum TemporaryDirectory {
    /// A new private (0700) directory under `$TMPDIR` or `/tmp`. Short, because socket
    /// paths are limited to 108 bytes.
    public static func make(prefix: String) throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
        var template = Array("\(base)/\(prefix).XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else {
            throw HarnessError("cannot create a temporary directory under \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: p)
    }
}
