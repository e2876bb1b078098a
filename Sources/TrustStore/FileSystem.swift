// The few POSIX calls the store needs: private directories and files, and explanations
// for a refused write. Only typed values leave this file.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum FileSystem {
    /// Creates `directory` and any missing parents with mode 0700 (`mkdir -p -m 700`, but the
    /// parents too: intimate data). Existing directories are left as they are.
    static func makePrivateDirectory(_ directory: String) throws(StoreError) {
        var components: [String] = []
        var d = directory
        while !d.isEmpty, d != "/", !exists(d) {
            components.append(d)
            d = (d as NSString).deletingLastPathComponent
        }
        for dir in components.reversed() {
            if mkdir(dir, 0o700) != 0, errno != EEXIST {
                throw reasonError(path: dir, errno: errno, doing: "create the directory")
            }
        }
    }

    /// Creates an empty file with mode 0600 if none exists; returns whether it created one.
    /// SQLite gives the `-wal` and `-shm` files the mode of the database file, so they are 0600 too.
    static func createPrivateFile(_ path: String) throws(StoreError) -> Bool {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw reasonError(path: path, errno: errno, doing: "create")
        }
        close(fd)
        return true
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    static func isWritable(_ path: String) -> Bool { access(path, W_OK) == 0 }

    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    static func size(_ path: String) -> Int64? {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : nil
    }

    /// Why a write to `path` (or to the files SQLite creates beside it) cannot succeed, or nil
    /// when nothing obvious prevents it.
    static func whyNotWritable(_ path: String) -> String? {
        let dir = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var vfs = statvfs()
        if statvfs(dir, &vfs) == 0, (vfs.f_flag & UInt(ST_RDONLY)) != 0 {
            return "the file system holding \(dir) is mounted read-only; nothing was recorded"
        }
        if exists(path), access(path, W_OK) != 0 {
            return "the file is not writable (\(describeMode(path))); nothing was recorded"
        }
        if access(dir, W_OK) != 0 {
            return "its directory \(dir) is not writable (\(describeMode(dir))), and SQLite needs to create files there; nothing was recorded"
        }
        for suffix in ["-wal", "-shm"] where exists(path + suffix) && access(path + suffix, W_OK) != 0 {
            return "\(path + suffix) is not writable (\(describeMode(path + suffix))); nothing was recorded"
        }
        return nil
    }

    /// Bytes available to an unprivileged user on the file system holding `path`.
    static func freeBytes(near path: String) -> Int64? {
        let dir = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var vfs = statvfs()
        guard statvfs(dir, &vfs) == 0 else { return nil }
        return Int64(vfs.f_bavail) * Int64(vfs.f_frsize)
    }

    /// What identifies one version of a file without reading it: where it is (device, inode), its
    /// size and its modification and status-change times (nanoseconds). Any write to the file, a
    /// replacement, a `touch`, a `chmod` or a copy over it changes at least one of them.
    struct Identity: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int64
        var changed: Int64
    }

    static func identity(_ path: String) -> Identity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Identity(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
            modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
            changed: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec))
    }

    /// Up to `count` bytes of `path` from `offset`, or nil when it cannot be read.
    static func readBytes(_ path: String, offset: Int64 = 0, count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        guard n >= 0 else { return nil }
        return Array(bytes.prefix(n))
    }

    /// Replaces `path` with `text`, mode 0600, by a rename (a reader sees the old or the new text,
    /// never a mix). Not synced: for a file whose loss is harmless (it is written again).
    /// Returns whether it was written.
    @discardableResult
    static func replaceUnsynced(_ path: String, with text: String) -> Bool {
        replaceUnsynced(path, with: Array(text.utf8))
    }

    /// The same with bytes.
    @discardableResult
    static func replaceUnsynced(_ path: String, with bytes: [UInt8]) -> Bool {
        let tmp = path + ".\(getpid()).tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return false }
        let failed = bytes.withUnsafeBytes { writeAll(fd, $0) }
        close(fd)
        guard failed == 0, rename(tmp, path) == 0 else {
            unlink(tmp)
            return false
        }
        return true
    }

    /// Writes all of `bytes` to `fd` (again after EINTR or a short write): 0, or the errno that stopped it.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let n = posixWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }  // no progress: never loop on it
            offset += n
        }
        return 0
    }

    /// A regular file (not followed if a symbolic link) mapped read-only into memory with its pages
    /// present (`MAP_POPULATE`: the page cache's pages, not copied, no fault per page); unmapped when the
    /// value goes away. Nil when it cannot be mapped (an empty file cannot).
    final class Mapping: @unchecked Sendable {  // immutable after init: the bytes are only read
        let bytes: UnsafeRawBufferPointer

        init?(_ path: String) {
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var st = stat()
            guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
            let size = Int(st.st_size)
            let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)
            guard let address, address != MAP_FAILED else { return nil }
            bytes = UnsafeRawBufferPointer(start: address, count: size)
        }

        deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
    }

    /// File permission bits, e.g. 0o600.
    static func mode(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_mode & 0o7777) : nil
    }

    private static func describeMode(_ path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return "cannot stat: \(String(cString: strerror(errno)))" }
        let owner = getpwuid(st.st_uid).map { String(cString: $0.pointee.pw_name) } ?? String(st.st_uid)
        return "mode 0" + String(st.st_mode & 0o777, radix: 8) + ", owner " + owner
    }

    private static func reasonError(path: String, errno code: Int32, doing: String) -> StoreError {
        let text = String(cString: strerror(code))
        switch code {
        case EROFS, EACCES, EPERM:
            return .readOnly(path: path, reason: "cannot \(doing) \(path): \(text)")
        case ENOSPC, EDQUOT:
            return .diskFull(path: path, freeBytes: freeBytes(near: path))
        default:
            return .cannotOpen(path: path, reason: "cannot \(doing) \(path): \(text)")
        }
    }
}

/// Writes a private file: mode 0600 whatever the umask, complete or not at all (a temporary file
/// beside it, synced, then renamed into place). For what trustd's tools write besides the ledger:
/// `trustctl report --html`, `review --output`, `export --output`, trust-gen-ledger's plan.
public enum PrivateFile {
    /// `cannot write PATH: REASON`.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    public static func write(_ data: Data, to path: String) throws(Failure) {
        try write(parts: [data], to: path)
    }

    /// The same with the bytes in consecutive parts.
    public static func write(parts: [Data], to path: String) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw Failure(path: path, reason: "it is a directory")
        }
        let tmp = url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".\(getpid()).tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        var failed: Int32 = 0
        for data in parts where failed == 0 {
            failed = data.withUnsafeBytes { FileSystem.writeAll(fd, $0) }
        }
        if failed == 0 && fsync(fd) != 0 { failed = errno }
        close(fd)
        if failed == 0 && rename(tmp, path) != 0 { failed = errno }
        if failed != 0 {
            unlink(tmp)
            throw Failure(path: path, reason: String(cString: strerror(failed)))
        }
    }
}

/// write(2), which `PrivateFile.write` shadows.
private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
