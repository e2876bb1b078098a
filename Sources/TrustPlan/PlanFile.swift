// Reads the plan file without ever blocking and without reading more than the size limit. A FIFO,
// a socket or a device at the plan path is named for what it is: `stat` first (nothing is
// opened that is not a regular file, so no device is touched), then `open(O_NONBLOCK)` and
// `fstat` on the descriptor, in case the path was replaced in between.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

enum PlanFile {
    enum Kind: Equatable, CustomStringConvertible {
        case directory, fifo, socket, characterDevice, blockDevice, other

        init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFDIR: self = .directory
            case S_IFIFO: self = .fifo
            case S_IFSOCK: self = .socket
            case S_IFCHR: self = .characterDevice
            case S_IFBLK: self = .blockDevice
            default: self = .other
            }
        }

        var description: String {
            switch self {
            case .directory: "a directory"
            case .fifo: "a named pipe (FIFO)"
            case .socket: "a socket"
            case .characterDevice: "a character device"
            case .blockDevice: "a block device"
            case .other: "not a regular file"
            }
        }
    }

    enum Problem: Error, Equatable {
        case missing
        case notAFile(Kind)
        case permissionDenied
        case tooLarge(Int)
        case other(String)
    }

    /// The file's bytes; a problem when it is not a readable regular file of at most `limit` bytes.
    static func read(path: String, limit: Int) -> Result<Data, Problem> {
        var info = stat()
        if stat(path, &info) != 0 { return .failure(problem(errno)) }
        if info.st_mode & S_IFMT != S_IFREG { return .failure(.notAFile(Kind(mode: info.st_mode))) }
        if Int(info.st_size) > limit { return .failure(.tooLarge(Int(info.st_size))) }

        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        if fd < 0 { return .failure(problem(errno)) }
        defer { close(fd) }
        if fstat(fd, &info) != 0 { return .failure(problem(errno)) }
        if info.st_mode & S_IFMT != S_IFREG { return .failure(.notAFile(Kind(mode: info.st_mode))) }

        // Read up to one byte past the limit: the file may have grown since `fstat`.
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while data.count <= limit {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(problem(errno))
            }
            if n == 0 { return .success(data) }
            data.append(contentsOf: chunk[0..<n])
        }
        return .failure(.tooLarge(data.count))
    }

    private static func problem(_ code: Int32) -> Problem {
        switch code {
        case ENOENT: .missing
        case EACCES, EPERM: .permissionDenied
        case EISDIR: .notAFile(.directory)
        default: .other(String(cString: strerror(code)))
        }
    }

    /// "1.0 MiB", "52 MiB", "900 bytes".
    static func describe(bytes: Int) -> String {
        let mib = Double(bytes) / Double(1 << 20)
        if mib >= 10 { return "\(Int(mib.rounded())) MiB" }
        if mib >= 1 { return "\((mib * 10).rounded() / 10) MiB" }
        return "\(bytes) bytes"
    }
}
