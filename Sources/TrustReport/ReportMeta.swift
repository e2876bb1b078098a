import Foundation
import TrustCore

/// Where the report's inputs came from, for the header and `--json`.
public struct ReportMeta: Sendable {
    public enum PlanStatus: Sendable, Equatable {
        case loaded
        /// No plan file: items come from the ledger with built-in defaults.
        case missing
        /// The plan could not be read (the message says why): items come from the ledger with defaults.
        case invalid(String)

        public var name: String {
            switch self {
            case .loaded: "loaded"
            case .missing: "missing"
            case .invalid: "invalid"
            }
        }
    }

    public var generatedAt: Date
    public var timeZone: TimeZone
    public var planPath: String?
    public var planStatus: PlanStatus
    /// History in the ledger that `trustctl import` brought from another tracker (said on the page).
    public var imported: [ImportedHistorySummary]
    /// The plan changes recorded in the ledger (issue 14), oldest first; each renderer shows
    /// those in its range (`PlanChangesText`).
    public var planChanges: [PlanRevision] = []

    public init(
        generatedAt: Date, timeZone: TimeZone, planPath: String? = nil, planStatus: PlanStatus = .loaded,
        imported: [ImportedHistorySummary] = []
    ) {
        self.generatedAt = generatedAt
        self.timeZone = timeZone
        self.planPath = planPath
        self.planStatus = planStatus
        self.imported = imported
    }
}
