// The first plan `trustctl init` writes: the person's answers, with the comments of
// Config/plan.example.yaml that say what each setting means and how to change it.
import Foundation
import TrustCore

public enum PlanTemplate {
    /// A complete, commented plan. `timezone` is an IANA name; `items` in the order given.
    public static func render(timezone: String, items: [NewPlanItem]) -> String {
        var s = """
            # trustd plan: the promises you are keeping, and when trustd asks about them.
            # Written by `trustctl init`; it is yours to change:
            #     trustctl add commitment "Call Sam" --at "weekdays at 7pm"   # one more promise
            #     trustctl edit           # opens this file in $EDITOR and checks it before it counts
            #     trustctl check          # names the line and column of any mistake, lists the next check-ins
            #
            # `at:` takes systemd calendar expressions (man systemd.time, "CALENDAR EVENTS"), or a list of
            # them. Try one before you use it:
            #     trustctl calendar --iterations 5 "Mon..Fri 19:00"
            # The `id` of each item is its key in the ledger: keep it when you reword the title.

            version: 1

            # Your IANA time zone (timedatectl list-timezones).
            timezone: \(PlanText.scalar(timezone))

            # A check-in scheduled before 04:00 counts for the day before (one at 00:30 is "last night"),
            # and the report's "today" begins at 04:00. An answer always counts for its check-in's day.
            day-starts: "04:00"

            # No notification in this window; a check-in due inside it is shown when the window ends.
            # quiet-hours: "22:30-07:30"

            # true: notifications only say "Check-in due", with no titles, for a screen others can see.
            discreet: false

            # Applies to every item that does not set its own value.
            defaults:
              deadline: 3h                # a check-in not answered within 3 hours is recorded as unanswered
              snooze: 15m                 # "Remind me later" asks again after this long
              skips: 2/month              # skipped days within this budget do not break a streak
              celebrate: [7, 30, 100, 365]  # streak lengths worth a word of congratulation

            """
        let commitments = items.filter { $0.kind == .commitment }
        let boundaries = items.filter { $0.kind == .boundary }
        s += "\n# Commitments: things you promised to do.\n"
        s += section("commitments", commitments)
        s += "\n# Boundaries: things you promised not to do. The check-in asks whether you held each one.\n"
        s += section("boundaries", boundaries)
        return s
    }

    private static func section(_ name: String, _ items: [NewPlanItem]) -> String {
        if items.isEmpty { return "\(name): []\n" }
        return "\(name):\n"
            + items.map { item in PlanText.blockLines(item).map { "  " + $0 + "\n" }.joined() }.joined(separator: "\n")
    }
}
