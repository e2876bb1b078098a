// `trustctl report --json`: every number of the report, one object per item.
import Foundation
import TrustCore

public enum ReportJSON {
    /// The JSON document (UTF-8, pretty-printed, keys sorted), ending in a newline.
    public static func render(_ report: Report, meta: ReportMeta) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Document(report: report, meta: meta))
        data.append(0x0A)
        return data
    }

    struct Document: Encodable {
        var report: Report
        var meta: ReportMeta
        enum Keys: String, CodingKey {
            case generatedAt = "generated_at", today, timeZone = "time_zone", since, plan, summary, items, imported
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(Format.utc(meta.generatedAt), forKey: .generatedAt)
            try c.encode(report.today.description, forKey: .today)
            try c.encode(meta.timeZone.identifier, forKey: .timeZone)
            try c.encode(report.since?.description, forKey: .since)
            try c.encode(PlanInfo(meta: meta), forKey: .plan)
            try c.encode(["week": SummaryJSON(report.week), "month": SummaryJSON(report.month)], forKey: .summary)
            try c.encode(report.items.map(ItemJSON.init), forKey: .items)
            if !meta.imported.isEmpty { try c.encode(meta.imported, forKey: .imported) }
        }
    }

    struct PlanInfo: Encodable {
        var meta: ReportMeta
        enum Keys: String, CodingKey { case path, status, error }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(meta.planPath, forKey: .path)
            try c.encode(meta.planStatus.name, forKey: .status)
            if case .invalid(let message) = meta.planStatus { try c.encode(message, forKey: .error) }
        }
    }

    struct SummaryJSON: Encodable {
        var s: PeriodSummary
        init(_ s: PeriodSummary) { self.s = s }
        enum Keys: String, CodingKey { case start, end, kept, asked, rate, missed, skipped, unanswered }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(s.start.description, forKey: .start)
            try c.encode(s.end.description, forKey: .end)
            try c.encode(s.kept, forKey: .kept)
            try c.encode(s.asked, forKey: .asked)
            try c.encode(s.tally.missed, forKey: .missed)
            try c.encode(s.tally.skipped, forKey: .skipped)
            try c.encode(s.tally.unanswered, forKey: .unanswered)
            try c.encode(s.rate, forKey: .rate)
        }
    }

    struct TallyJSON: Encodable {
        var t: DayTally
        enum Keys: String, CodingKey { case kept, missed, skipped, unanswered, pending, asked }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(t.kept, forKey: .kept)
            try c.encode(t.missed, forKey: .missed)
            try c.encode(t.skipped, forKey: .skipped)
            try c.encode(t.unanswered, forKey: .unanswered)
            try c.encode(t.pending, forKey: .pending)
            try c.encode(t.asked, forKey: .asked)
        }
    }

    struct ItemJSON: Encodable {
        var s: ItemStats
        init(_ s: ItemStats) { self.s = s }
        enum Keys: String, CodingKey {
            case id, kind, title, inPlan = "in_plan", target, hasData = "has_data", firstDay = "first_day"
            case streak, streakUnit = "streak_unit", streakSince = "streak_since", bestStreak = "best_streak"
            case strength, rate7 = "rate_7d", rate30 = "rate_30d", rate90 = "rate_90d", counts
            case skipsLeft = "skips_left", skipsUsed = "skips_used", skipsBudget = "skips_budget"
            case skipsPeriod = "skips_period", milestones, nextMilestone = "next_milestone"
            case thisPeriod = "this_period", recentNotes = "recent_notes"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(s.item.id.rawValue, forKey: .id)
            try c.encode(s.item.kind.rawValue, forKey: .kind)
            try c.encode(s.item.title, forKey: .title)
            try c.encode(s.inPlan, forKey: .inPlan)
            try c.encode(s.item.target?.description, forKey: .target)
            try c.encode(s.hasData, forKey: .hasData)
            try c.encode(s.firstDay?.description, forKey: .firstDay)
            try c.encode(s.streak, forKey: .streak)
            try c.encode(s.unit.rawValue, forKey: .streakUnit)
            try c.encode(s.streakStart?.description, forKey: .streakSince)
            try c.encode(s.bestStreak, forKey: .bestStreak)
            try c.encode(s.strength, forKey: .strength)
            try c.encode(s.rate(days: 7)?.rate, forKey: .rate7)
            try c.encode(s.rate(days: 30)?.rate, forKey: .rate30)
            try c.encode(s.rate(days: 90)?.rate, forKey: .rate90)
            var counts: [String: TallyJSON] = [:]
            for r in s.rates { counts["\(r.days)d"] = TallyJSON(t: r.tally) }
            counts["all"] = TallyJSON(t: s.totals)
            try c.encode(counts, forKey: .counts)
            try c.encode(s.skipsLeft, forKey: .skipsLeft)
            try c.encode(s.skipsUsed, forKey: .skipsUsed)
            try c.encode(s.item.skips.description, forKey: .skipsBudget)
            try c.encode(
                ["start": s.skipsPeriodStart.description, "end": s.skipsPeriodEnd.description], forKey: .skipsPeriod)
            try c.encode(s.milestones.map(MilestoneJSON.init), forKey: .milestones)
            try c.encode(s.nextMilestone, forKey: .nextMilestone)
            try c.encode(s.progress.map(ProgressJSON.init), forKey: .thisPeriod)
            try c.encode(
                s.recentNotes.map { ["day": $0.day.description, "state": $0.state.rawValue, "note": $0.text] },
                forKey: .recentNotes)
        }
    }

    struct MilestoneJSON: Encodable {
        var m: Milestone
        init(_ m: Milestone) { self.m = m }
        enum Keys: String, CodingKey { case days, reached, firstReached = "first_reached" }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(m.count, forKey: .days)
            try c.encode(m.reached?.description, forKey: .reached)
            try c.encode(m.firstReached?.description, forKey: .firstReached)
        }
    }

    struct ProgressJSON: Encodable {
        var p: PeriodProgress
        init(_ p: PeriodProgress) { self.p = p }
        enum Keys: String, CodingKey {
            case period, start, end, target, kept, needed, met, reachable, daysLeft = "days_left"
            case spare = "days_to_spare", lastChance = "last_chance", forgivenSkips = "forgiven_skips"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(p.period.rawValue, forKey: .period)
            try c.encode(p.start.description, forKey: .start)
            try c.encode(p.end.description, forKey: .end)
            try c.encode(p.target, forKey: .target)
            try c.encode(p.kept, forKey: .kept)
            try c.encode(p.needed, forKey: .needed)
            try c.encode(p.met, forKey: .met)
            try c.encode(p.reachable, forKey: .reachable)
            try c.encode(p.daysLeft, forKey: .daysLeft)
            try c.encode(p.spare, forKey: .spare)
            try c.encode(p.lastChance?.description, forKey: .lastChance)
            try c.encode(p.forgivenSkips, forKey: .forgivenSkips)
        }
    }
}
