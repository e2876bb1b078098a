// What trustctl's output depends on in the terminal and the C library, read through LinuxWatch
// (the target that makes the C calls): colour, width, and the local clock `calendar` prints in.
import LinuxWatch
import TrustReport

/// Terminal facts the report's look depends on.
enum TerminalInfo {
    /// Colour only on a TTY, never with NO_COLOR set (to anything but the empty string) or TERM=dumb.
    static func useColor(mode: ColorMode, isTTY: Bool, environment: [String: String]) -> Bool {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        switch mode {
        case .never: return false
        case .always: return true
        case .auto: return isTTY && environment["TERM"] != "dumb"
        }
    }

    static var stdoutIsTTY: Bool { StandardOutput.isTerminal }

    /// `COLUMNS`, else the terminal's width, else 80.
    static func width(environment: [String: String]) -> Int {
        if let c = environment["COLUMNS"].flatMap(Int.init), c > 20 { return c }
        if let c = StandardOutput.terminalColumns, c > 20 { return c }
        return 80
    }
}

/// The C library's view of the process's zone ($TZ), which is what systemd-analyze prints in.
struct SystemLocalClock: LocalClock {
    func local(_ seconds: Int64) -> (fields: CivilFields, offset: Int, abbreviation: String) {
        let t = SystemTime.local(seconds)
        return (
            CivilFields(
                year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second,
                weekday: t.weekday),
            t.utcOffset, t.abbreviation
        )
    }
}
