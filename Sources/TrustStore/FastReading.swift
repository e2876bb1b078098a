// What the two fast read paths share (`records`, FastRecords.swift, and `itemLedgers`,
// ReportReading.swift): reading a large ledger in two parts on two reader connections at once, as
// one consistent snapshot, and matching the kind and state columns on their bytes.
import Foundation
import GRDB
import GRDBSQLite
import TrustCore

extension TrustStore {
    /// Reads two parts of the ledger at once, `part(0, db)` and `part(1, db)`, each on its own reader
    /// connection in its own snapshot. Returns them when both snapshots have the same newest event (no
    /// write landed between them: together they are one consistent snapshot); after three tries that
    /// each saw a write land in between, nil (the caller then reads in one snapshot).
    func readTwoParts<Part: Sendable>(_ part: @Sendable (Int, Database) throws -> Part) throws(StoreError) -> (Part, Part)? {
        for _ in 0..<3 {
            let slots = TwoSlots<(part: Part, head: Int64)>()
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                slots.set(
                    i,
                    Result { () throws(StoreError) in
                        try read { db in
                            let head = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM event") ?? 0
                            return (try part(i, db), head)
                        }
                    })
            }
            // Moved out of the slots: the caller holds the only reference (an array appended to in place).
            let a = try slots.take(0)
            let b = try slots.take(1)
            if a.head == b.head { return (a.part, b.part) }
        }
        return nil
    }
}

/// The two parts read concurrently by `readTwoParts`. Not confined to a queue: every access to
/// `slots` holds `lock`.
private final class TwoSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, StoreError>?] = [nil, nil]

    func set(_ index: Int, _ value: Result<Value, StoreError>) { lock.withLock { slots[index] = value } }

    /// Moves the value out, leaving the slot empty.
    func take(_ index: Int) throws(StoreError) -> Value {
        let result = lock.withLock {
            defer { slots[index] = nil }
            return slots[index]
        }
        guard let result else { preconditionFailure("readTwoParts: part \(index) was not read") }
        return try result.get()
    }
}

/// The kind and state columns of the current row, matched on their NUL-terminated bytes without making
/// a String (and without a `sqlite3_column_bytes` call). Nil for a NULL or any other text.
enum RawColumn {
    static func kind(_ stmt: OpaquePointer, _ column: Int32) -> ItemKind? {
        guard let text = sqlite3_column_text(stmt, column) else { return nil }
        if equal(text, "commitment") { return .commitment }
        if equal(text, "boundary") { return .boundary }
        return nil
    }

    static func state(_ stmt: OpaquePointer, _ column: Int32) -> OccurrenceState? {
        guard let text = sqlite3_column_text(stmt, column) else { return nil }
        switch text.pointee {
        case UInt8(ascii: "k"): return equal(text, "kept") ? .kept : nil
        case UInt8(ascii: "m"): return equal(text, "missed") ? .missed : nil
        case UInt8(ascii: "s"): return equal(text, "skipped") ? .skipped : nil
        case UInt8(ascii: "p"): return equal(text, "pending") ? .pending : nil
        case UInt8(ascii: "u"): return equal(text, "unanswered") ? .unanswered : nil
        default: return nil
        }
    }

    /// Whether the NUL-terminated `text` is `s`.
    private static func equal(_ text: UnsafePointer<UInt8>, _ s: StaticString) -> Bool {
        strcmp(
            UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self),
            UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }
}
