// The store as the daemon's `Ledger` port (TrustCore): the same operations, with the store's
// errors turned into the port's `LedgerError` (their text, which names the file and what to do).
import Foundation
import TrustCore

/// `TrustStore` behind the `Ledger` port.
public struct StoreLedger: Ledger {
    public let store: TrustStore
    public init(_ store: TrustStore) { self.store = store }

    public var path: String { store.path }

    /// Runs `body`, turning a `StoreError` into the port's error.
    @inline(__always)
    private func port<T>(_ body: () throws(StoreError) -> T) throws(LedgerError) -> T {
        do { return try body() } catch { throw LedgerError(error.description) }
    }

    public func lastScheduled(item: ItemID) throws(LedgerError) -> Date? {
        try port { () throws(StoreError) in try store.lastScheduled(item: item) }
    }

    public func lastScheduled(item: ItemID, notAfter: Date) throws(LedgerError) -> Date? {
        try port { () throws(StoreError) in try store.lastScheduled(item: item, notAfter: notAfter) }
    }

    public func voidScheduled(after now: Date, at: Date) throws(LedgerError) -> [CheckIn] {
        try port { () throws(StoreError) in
            try store.transaction { tx in try tx.voidScheduled(after: now, channel: .daemon, at: at) }
        }
    }

    public func celebrateOnce(occurrence: CheckInID, streak: Int, at: Date) throws(LedgerError) -> CheckInEvent? {
        try port { () throws(StoreError) in
            try store.transaction { tx in
                if try tx.wasCelebrated(occurrence: occurrence, streak: streak) { return nil }
                return try tx.recordCelebrated(occurrence: occurrence, streak: streak, channel: .daemon, at: at)
            }
        }
    }

    public func openOccurrences() throws(LedgerError) -> [CheckIn] {
        try port { () throws(StoreError) in try store.openOccurrences() }
    }

    public func occurrence(id: CheckInID) throws(LedgerError) -> CheckIn? {
        try port { () throws(StoreError) in try store.occurrence(id: id) }
    }

    public func enter(_ creations: [Creation], at: Date) throws(LedgerError) -> [CheckIn] {
        try port { () throws(StoreError) in
            try store.transaction { tx in
                try creations.map { c in
                    let o = try tx.schedule(
                        item: c.item, kind: c.kind, scheduled: c.scheduled, zone: c.zone, day: c.day,
                        deadline: c.deadline, at: at)
                    if c.expireAtOnce, o.state == .pending {
                        _ = try tx.markUnanswered(occurrence: o.id, channel: .catchUp, at: at)
                    }
                    return o
                }
            }
        }
    }

    public func recordPrompted(_ prompts: [PromptedRecord]) throws(LedgerError) {
        guard !prompts.isEmpty else { return }
        try port { () throws(StoreError) in
            try store.transaction { tx in
                for p in prompts {
                    _ = try tx.recordPrompted(
                        occurrence: p.occurrence, notificationID: p.notificationID, channel: p.channel, at: p.at)
                }
            }
        }
    }

    public func recordSnoozed(occurrence: CheckInID, until: Date, channel: Channel, at: Date) throws(LedgerError)
        -> CheckIn
    {
        try port { () throws(StoreError) in
            try store.recordSnoozed(occurrence: occurrence, until: until, channel: channel, at: at)
        }
    }

    public func answer(occurrence: CheckInID, answer: Answer, note: String?, channel: Channel, at: Date)
        throws(LedgerError) -> AnswerResult
    {
        try port { () throws(StoreError) in
            try store.answer(occurrence: occurrence, answer: answer, note: note, channel: channel, at: at)
        }
    }

    public func addNote(occurrence: CheckInID, note: String, channel: Channel, at: Date) throws(LedgerError) -> CheckIn {
        try port { () throws(StoreError) in try store.addNote(occurrence: occurrence, note: note, channel: channel, at: at) }
    }

    public func markUnanswered(occurrence: CheckInID, at: Date, channel: Channel) throws(LedgerError) -> Bool {
        try port { () throws(StoreError) in try store.markUnanswered(occurrence: occurrence, at: at, channel: channel) }
    }

    public func lastEventSequence() throws(LedgerError) -> Int64 {
        try port { () throws(StoreError) in try store.lastEventSequence() }
    }

    public func events(after sequence: Int64, limit: Int) throws(LedgerError) -> [CheckInEvent] {
        try port { () throws(StoreError) in try store.events(after: sequence, limit: limit) }
    }

    public func records(items: [ItemID]?, since: DayKey?) throws(LedgerError) -> [CheckIn] {
        try port { () throws(StoreError) in try store.records(items: items, since: since) }
    }

    public func lastPlanVersion() throws(LedgerError) -> RecordedPlanVersion? {
        try port { () throws(StoreError) in try store.lastPlanVersion() }
    }

    public func recordPlanVersion(_ version: PlanVersion, at: Date) throws(LedgerError) -> RecordedPlanVersion? {
        try port { () throws(StoreError) in try store.recordPlanVersion(version, at: at) }
    }

    public func planVersions() throws(LedgerError) -> [RecordedPlanVersion] {
        try port { () throws(StoreError) in try store.planVersions() }
    }
}
