// How the ledger's columns hold instants and days: the storage encodings shared by the write
// path, the readers and `verify` (and fixed by the schema: never change them).
import Foundation
import TrustCore

/// Instants are stored as integer milliseconds since 1970-01-01 UTC: exact, compact, fast to
/// read, and canonical for hashing.
enum Millis {
    static func from(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
}

/// Days are stored as the integer YYYYMMDD: readable in `sqlite3`, sortable, no string parsing.
enum DayNumber {
    static func from(_ day: DayKey) -> Int64 { Int64(day.year * 10000 + day.month * 100 + day.day) }
    static func day(_ n: Int64) -> DayKey {
        let v = Int(n)
        return DayKey(year: v / 10000, month: v / 100 % 100, day: v % 100)
    }
}
