import Foundation

/// Damage as a failing disk or a stray write leaves it: `count` pages of 0xA5 written over the
/// file from page `first` on (4096-byte pages; page 0, the header, is never touched). Returns the
/// file's bytes after the damage, for a byte-for-byte comparison later.
@discardableResult
public func overwritePages(of path: String, first: Int = 6, count: Int = 3, pageSize: Int = 4096) throws -> Data {
    precondition(first > 0, "the header page stays intact")
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    try handle.seek(toOffset: UInt64(pageSize * first))
    try handle.write(contentsOf: Data(repeating: 0xA5, count: pageSize * count))
    try handle.close()
    return try Data(contentsOf: URL(fileURLWithPath: path))
}
