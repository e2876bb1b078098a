// The C library's clock and local time: the process's zone ($TZ or /etc/localtime), which is
// what systemd-analyze prints in. Typed values out; no `tm` or `timespec` leaves this file.
import Glibc

/// A local wall-clock time as `localtime_r` gives it.
public struct SystemLocalTime: Hashable, Sendable {
    /// Year, month (1…12), day, hour, minute, second, weekday (0 = Sunday).
    public var year, month, day, hour, minute, second, weekday: Int
    /// Seconds east of UTC.
    public var utcOffset: Int
    /// The zone's abbreviation ("CET", "+11"), empty when the C library has none.
    public var abbreviation: String
}

public enum SystemTime {
    /// The local time at `seconds` since the epoch (`localtime_r`).
    public static func local(_ seconds: Int64) -> SystemLocalTime {
        var t = time_t(seconds)
        var tm = tm()
        localtime_r(&t, &tm)
        return SystemLocalTime(
            year: Int(tm.tm_year) + 1900, month: Int(tm.tm_mon) + 1, day: Int(tm.tm_mday), hour: Int(tm.tm_hour),
            minute: Int(tm.tm_min), second: Int(tm.tm_sec), weekday: Int(tm.tm_wday), utcOffset: tm.tm_gmtoff,
            abbreviation: tm.tm_zone.map { String(cString: $0) } ?? "")
    }

    /// Seconds since the epoch of a local wall-clock time (`mktime`, DST left to the C library);
    /// nil when it cannot be represented or falls before 1970.
    public static func fromLocal(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        var tm = tm()
        tm.tm_year = Int32(year - 1900)
        tm.tm_mon = Int32(month - 1)
        tm.tm_mday = Int32(day)
        tm.tm_hour = Int32(hour)
        tm.tm_min = Int32(minute)
        tm.tm_sec = Int32(second)
        tm.tm_isdst = -1
        let t = mktime(&tm)
        return t >= 0 ? Int64(t) : nil
    }

    /// The wall clock (`CLOCK_REALTIME`) in microseconds since the epoch.
    public static func nowMicroseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}
