// When another process started, from /proc: how the notification client tells whether the
// notification server running now is the one that showed a notification an earlier trustd left.
import Glibc

public enum ProcessStart {
    /// The wall-clock start of process `pid` in seconds since the epoch, nil when it cannot be
    /// read (no such process, another PID namespace, no /proc).
    ///
    /// The kernel keeps a process's start in clock ticks since boot (`/proc/PID/stat`, field 22);
    /// the boot's wall-clock time (`btime` in `/proc/stat`) is whole seconds, so the result may be
    /// up to one second early (and is off by any step of the wall clock since boot).
    public static func seconds(of pid: Int32) -> Double? {
        guard pid > 0, let stat = firstLine("/proc/\(pid)/stat"), let ticks = startTicks(stat),
            let boot = bootTime(), case let hz = sysconf(Int32(_SC_CLK_TCK)), hz > 0
        else { return nil }
        return Double(boot) + Double(ticks) / Double(hz)
    }

    /// Field 22 (`starttime`) of a `/proc/PID/stat` line. The command name (field 2) is in
    /// parentheses and may contain spaces and parentheses, so fields are counted after the last `)`.
    static func startTicks(_ line: String) -> UInt64? {
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// `btime` of /proc/stat: the boot's wall-clock time, seconds since the epoch.
    static func bootTime() -> Int64? {
        guard let f = fopen("/proc/stat", "re") else { return nil }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, f) > 0, let line {
            let text = String(cString: line)
            if text.hasPrefix("btime ") {
                return Int64(text.dropFirst(6).filter { $0.isNumber })
            }
        }
        return nil
    }

    private static func firstLine(_ path: String) -> String? {
        guard let f = fopen(path, "re") else { return nil }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        guard getline(&line, &capacity, f) > 0, let line else { return nil }
        return String(cString: line)
    }
}
