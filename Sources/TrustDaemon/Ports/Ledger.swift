// The part of the ledger the daemon uses, as a port: `TrustStore` is the implementation; tests
// use a real store on a temporary file and, for failures, wrap one.
import Foundation
import TrustCore
import TrustStore

/// What the daemon reads from and writes to the ledger. Every write is committed (durable) when
/// it returns, or throws and recorded nothing.
public protocol Ledger: Sendable {
    var path: String { get }
    func lastScheduled(item: ItemID) throws(StoreError) -> Date?
    func openOccurrences() throws(StoreError) -> [StoredOccurrence]
    func occurrence(id: OccurrenceID) throws(StoreError) -> StoredOccurrence?
    /// Enters the creations of one scheduling step in one transaction (occurrences that fell due
    /// while trustd was not running are recorded unanswered in it too).
    func enter(_ creations: [Creation], at: Date) throws(StoreError) -> [StoredOccurrence]
    func recordPrompted(occurrence: OccurrenceID, notificationID: UInt32?, channel: Channel, at: Date) throws(StoreError)
        -> StoredOccurrence
    func recordSnoozed(occurrence: OccurrenceID, until: Date, channel: Channel, at: Date) throws(StoreError)
        -> StoredOccurrence
    func answer(occurrence: OccurrenceID, answer: Answer, note: String?, channel: Channel, at: Date) throws(StoreError)
        -> AnswerResult
    func addNote(occurrence: OccurrenceID, note: String, channel: Channel, at: Date) throws(StoreError)
        -> StoredOccurrence
    func markUnanswered(occurrence: OccurrenceID, at: Date, channel: Channel) throws(StoreError) -> Bool
    func lastEventSequence() throws(StoreError) -> Int64
    func events(after sequence: Int64, limit: Int) throws(StoreError) -> [LedgerEvent]
    func records(items: [ItemID]?, since: DayKey?) throws(StoreError) -> [OccurrenceRecord]
}

extension TrustStore: Ledger {
    public func enter(_ creations: [Creation], at: Date) throws(StoreError) -> [StoredOccurrence] {
        try transaction { tx in
            try creations.map { c in
                let o = try tx.schedule(
                    item: c.item, kind: c.kind, scheduled: c.scheduled, zone: c.zone, day: c.day, deadline: c.deadline,
                    at: at)
                if c.expireAtOnce, o.state == .pending {
                    _ = try tx.markUnanswered(occurrence: o.id, channel: .catchUp, at: at)
                }
                return o
            }
        }
    }
}
