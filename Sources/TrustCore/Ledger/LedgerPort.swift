// The part of the ledger the daemon uses, as a port in the core's vocabulary. TrustStore's
// `StoreLedger` is the implementation; tests use a real store on a temporary file and, for
// failures, wrap one. The daemon and the scheduler never see the store's own types.
import Foundation

/// Why a ledger operation failed, as the store said it (a sentence a person can act on: it names
/// the file and what to do). Nothing was recorded by the operation that threw it.
public struct LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A prompt shown: check-in `occurrence` as notification `notificationID` (nil: on the terminal or
/// in the journal), through `channel`, at `at`.
public struct PromptedRecord: Sendable, Equatable {
    public var occurrence: CheckInID
    public var notificationID: NotificationID?
    public var channel: Channel
    public var at: Date
    public init(occurrence: CheckInID, notificationID: NotificationID?, channel: Channel, at: Date) {
        self.occurrence = occurrence
        self.notificationID = notificationID
        self.channel = channel
        self.at = at
    }
}

/// What the daemon reads from and writes to the ledger. Every write is committed (durable) when
/// it returns, or throws and recorded nothing.
public protocol Ledger: Sendable {
    var path: String { get }
    func lastScheduled(item: ItemID) throws(LedgerError) -> Date?
    /// The newest non-voided scheduled instant of `item` at or before `notAfter` (the cursor's
    /// place after the clock was set back).
    func lastScheduled(item: ItemID, notAfter: Date) throws(LedgerError) -> Date?
    /// Withdraws every never-answered check-in scheduled after `now` as voided by a clock
    /// correction (one transaction); answered ones keep their answers. Returns the voided ones.
    func voidScheduled(after now: Date, at: Date) throws(LedgerError) -> [CheckIn]
    /// Records that milestone `streak` was celebrated on `occurrence`, unless that is recorded
    /// already (checked in the same transaction). The event when it was recorded now.
    func celebrateOnce(occurrence: CheckInID, streak: Int, at: Date) throws(LedgerError) -> CheckInEvent?
    func openOccurrences() throws(LedgerError) -> [CheckIn]
    func occurrence(id: CheckInID) throws(LedgerError) -> CheckIn?
    /// Enters the creations of one scheduling step in one transaction (occurrences that fell due
    /// while trustd was not running are recorded unanswered in it too).
    func enter(_ creations: [Creation], at: Date) throws(LedgerError) -> [CheckIn]
    /// Records that each check-in was shown (at its own instant), all in one transaction: a burst
    /// of prompts costs one fsync, not one each.
    func recordPrompted(_ prompts: [PromptedRecord]) throws(LedgerError)
    func recordSnoozed(occurrence: CheckInID, until: Date, channel: Channel, at: Date) throws(LedgerError) -> CheckIn
    func answer(occurrence: CheckInID, answer: Answer, note: String?, channel: Channel, at: Date) throws(LedgerError)
        -> AnswerResult
    func addNote(occurrence: CheckInID, note: String, channel: Channel, at: Date) throws(LedgerError) -> CheckIn
    func markUnanswered(occurrence: CheckInID, at: Date, channel: Channel) throws(LedgerError) -> Bool
    func lastEventSequence() throws(LedgerError) -> Int64
    func events(after sequence: Int64, limit: Int) throws(LedgerError) -> [CheckInEvent]
    func records(items: [ItemID]?, since: DayKey?) throws(LedgerError) -> [CheckIn]
    /// The plan version recorded last (issue 14), nil before any.
    func lastPlanVersion() throws(LedgerError) -> RecordedPlanVersion?
    /// Records `version` as adopted at `at`, unless its hash is that of the version recorded last
    /// (checked in the same transaction: a restart adds no row). The new record, or nil.
    func recordPlanVersion(_ version: PlanVersion, at: Date) throws(LedgerError) -> RecordedPlanVersion?
    /// Every plan version recorded, oldest first (`changes-take-effect` holds are computed from them).
    func planVersions() throws(LedgerError) -> [RecordedPlanVersion]
}
