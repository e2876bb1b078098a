// A file's permission bits, as `stat(2)` gives them (what `trustctl doctor` checks).
import Glibc

public enum FilePermissions {
    /// The permission bits (`st_mode & 0o777`) of the file at `path`, following symbolic links;
    /// nil when it cannot be examined.
    public static func of(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_mode) & 0o777
    }
}
