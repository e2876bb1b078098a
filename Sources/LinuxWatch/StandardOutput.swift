// Standard output as a terminal program sees it: is it a terminal, how wide, and writing bytes to
// it whole. The `isatty`/`ioctl`/`write` calls of trustctl live here.
import Glibc

public enum StandardOutput {
    /// Whether standard output is a terminal.
    public static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// The terminal's width in columns (`TIOCGWINSZ`); nil when standard output is not a terminal.
    public static var terminalColumns: Int? {
        var size = winsize()
        guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Writes all of `bytes` with as few `write(2)` calls as the kernel allows, retrying on EINTR;
    /// stops when the reader has gone (a closed pipe).
    public static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    break
                }
                offset += n
            }
        }
    }
}
