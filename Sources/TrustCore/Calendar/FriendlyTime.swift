// Friendly times: what a person types ("weekdays at 7pm", "every Sunday 18:00") turned into the
// systemd calendar expressions the plan keeps. Pure: no clock, no zone. What is not understood is
// refused with examples; nothing is guessed (a bare hour is read on the 24-hour clock, as the
// plan does, and the result is always shown back before it is written).

/// A time phrase understood: the calendar expressions for the plan (one, or one per distinct
/// minute when several times of day differ in their minutes).
public struct FriendlyTime: Sendable, Hashable {
    /// What was typed.
    public var phrase: String
    /// systemd calendar expressions, each accepted by `CalendarSpec.parse`.
    public var expressions: [String]
    /// True when the phrase was already a systemd calendar expression and is kept as typed.
    public var isCalendarExpression: Bool

    /// Phrases shown when something is not understood.
    public static let examples = [
        "weekdays at 7pm", "every Sunday 18:00", "daily 21:30", "Mon, Wed, Fri 7am", "every evening at 9",
        "first Monday of the month at 10", "twice a day at 9 and 21",
    ]

    /// Reads a friendly phrase, or failing that a systemd calendar expression ("Mon..Fri 19:00").
    public static func parse(_ phrase: String) throws(FriendlyTimeError) -> FriendlyTime {
        let text = phrase.trimmingWhitespace()
        guard !text.isEmpty else { throw FriendlyTimeError(phrase: phrase, reason: "nothing was typed") }
        var reader = PhraseReader(text: text)
        let friendlyFailure: FriendlyTimeError
        do throws(Reject) {
            let expressions = try reader.read()
            // Every expression built here must be one the calendar engine accepts.
            for e in expressions {
                do { _ = try CalendarSpec.parse(e) } catch {
                    throw Reject(reason: "'\(e)' is not a valid calendar expression: \(error.message)")
                }
            }
            return FriendlyTime(phrase: phrase, expressions: expressions, isCalendarExpression: false)
        } catch {
            friendlyFailure = FriendlyTimeError(phrase: phrase, reason: error.reason)
        }
        // A systemd expression is kept as typed, unless it is a bare shorthand that would mean
        // midnight ("daily", "weekly"): a check-in at 00:00 is almost never what was meant.
        let shorthand = ["minutely", "hourly", "daily", "weekly", "monthly", "yearly", "annually", "quarterly", "semiannually"]
        // It must also name a time ("Mon..Fri" alone would be midnight too).
        if !shorthand.contains(text.lowercased()), text.contains(":"), (try? CalendarSpec.parse(text)) != nil {
            return FriendlyTime(phrase: phrase, expressions: [text], isCalendarExpression: true)
        }
        throw friendlyFailure
    }
}

/// Why a phrase was refused, with examples of what is understood.
public struct FriendlyTimeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var phrase: String
    public var reason: String
    public init(phrase: String, reason: String) {
        self.phrase = phrase
        self.reason = reason
    }
    public var description: String {
        "cannot understand '\(phrase)' as a time: \(reason). Try, for example: "
            + FriendlyTime.examples.map { "'\($0)'" }.joined(separator: ", ")
            + "; or a calendar expression such as 'Mon..Fri 19:00' (man systemd.time)"
    }
}

// MARK: - The reader

private struct Reject: Error {
    var reason: String
}

private struct ClockTime: Hashable, Comparable {
    var hour: Int
    var minute: Int
    static func < (a: ClockTime, b: ClockTime) -> Bool { (a.hour, a.minute) < (b.hour, b.minute) }
}

private enum DayPeriod {
    case morning, afternoon, evening, night
    /// The 24-hour hour for a bare hour said in this period, or nil if it does not fit.
    func hour(_ h: Int) -> Int? {
        switch self {
        case .morning: return (1...11).contains(h) ? h : nil
        case .afternoon: return (1...6).contains(h) ? h + 12 : (h == 12 ? 12 : ((13...18).contains(h) ? h : nil))
        case .evening: return (5...11).contains(h) ? h + 12 : ((17...23).contains(h) ? h : nil)
        case .night: return (8...11).contains(h) ? h + 12 : ((20...23).contains(h) ? h : (h == 12 ? 0 : nil))
        }
    }
    var name: String {
        switch self {
        case .morning: "morning"
        case .afternoon: "afternoon"
        case .evening: "evening"
        case .night: "night"
        }
    }
}

private let weekdayNames: [(names: [String], index: Int)] = [
    (["mon", "monday", "mondays"], 0), (["tue", "tues", "tuesday", "tuesdays"], 1),
    (["wed", "weds", "wednesday", "wednesdays"], 2), (["thu", "thur", "thurs", "thursday", "thursdays"], 3),
    (["fri", "friday", "fridays"], 4), (["sat", "saturday", "saturdays"], 5), (["sun", "sunday", "sundays"], 6),
]
private let weekdayAbbreviations = CalendarSpec.weekdayNames  // Monday first, as `days` counts

private func weekday(_ word: String) -> Int? {
    weekdayNames.first { $0.names.contains(word) }?.index
}

private let counts = ["once": 1, "twice": 2, "thrice": 3, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5]
private let ordinals = ["first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1]

private struct PhraseReader {
    var tokens: [String]
    var i = 0

    // What was read.
    var days: Set<Int>?  // 0 = Monday
    var dayWords: [String] = []
    var nth: Int?  // first..fourth, -1 = last (weekday of the month)
    var period: DayPeriod?
    /// Times said; `bare` when a period word may still move them ("9" in "every evening at 9").
    var times: [(time: ClockTime, bare: Bool)] = []
    var expectedCount: Int?

    init(text: String) {
        // Words, numbers and clock times; commas, "&" and "/" are separators.
        var out: [String] = []
        var current = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber || ch == ":" || ch == "." {
                current.append(ch)
            } else {
                if !current.isEmpty { out.append(current) }
                current = ""
                if ch == "&" { out.append("and") }
                if ch == "-" { out.append("-") }
            }
        }
        if !current.isEmpty { out.append(current) }
        // "7.30pm" is a clock time, but a trailing period ("at 9.") is punctuation.
        tokens = out.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }.filter { !$0.isEmpty }
    }

    var peek: String? { i < tokens.count ? tokens[i] : nil }

    mutating func accept(_ words: String...) -> Bool {
        if let p = peek, words.contains(p) {
            i += 1
            return true
        }
        return false
    }

    mutating func read() throws(Reject) -> [String] {
        while let word = peek {
            if try readDays() { continue }
            if try readTimes() { continue }
            if readFiller() { continue }
            throw Reject(reason: "'\(word)' is not a day or a time I know")
        }
        return try build()
    }

    /// Words that carry no meaning here.
    mutating func readFiller() -> Bool {
        accept("at", "on", "in", "the", "and", "every", "each", "of", "o'clock", "oclock", "around", "about")
    }

    mutating func setDays(_ new: Set<Int>, _ word: String) throws(Reject) {
        if let days, days != new, !dayWords.isEmpty {
            throw Reject(reason: "'\(word)' and '\(dayWords.joined(separator: " "))' name different days; say the days once")
        }
        days = new
        dayWords.append(word)
    }

    mutating func readDays() throws(Reject) -> Bool {
        guard let word = peek else { return false }
        switch word {
        case "daily", "everyday", "day", "days", "night", "nightly", "nights", "morning", "mornings", "evening", "evenings",
            "afternoon", "afternoons":
            i += 1
            switch word {
            case "morning", "mornings": try setPeriod(.morning)
            case "afternoon", "afternoons": try setPeriod(.afternoon)
            case "evening", "evenings": try setPeriod(.evening)
            case "night", "nights", "nightly": try setPeriod(.night)
            default: break
            }
            if days == nil { days = Set(0...6) }
            // "every day", "a day" (in "twice a day") set no particular days.
            return true
        case "a", "per":
            // "twice a day", "3 times per day"
            guard i + 1 < tokens.count, ["day", "week"].contains(tokens[i + 1]) else { return false }
            if tokens[i + 1] == "week" { throw Reject(reason: "'\(word) week' does not say which days; name them, e.g. 'Mon, Wed, Fri 7am'") }
            i += 2
            if days == nil { days = Set(0...6) }
            return true
        case "weekday", "weekdays", "workday", "workdays":
            i += 1
            try setDays(Set(0...4), word)
            return true
        case "weekend", "weekends":
            i += 1
            try setDays([5, 6], word)
            return true
        case "week", "weekly":
            throw Reject(reason: "'\(word)' does not say which day; name it, e.g. 'every Sunday 18:00'")
        case "month", "monthly":
            i += 1
            if nth == nil && word == "monthly" {
                throw Reject(reason: "'monthly' does not say which day; say e.g. 'first Monday of the month at 10'")
            }
            return true
        default:
            break
        }
        if let n = ordinals[word] {
            // "first Monday of the month"
            guard i + 1 < tokens.count, let d = weekday(tokens[i + 1]) else {
                throw Reject(reason: "'\(word)' must be followed by a day of the week, as in 'first Monday of the month'")
            }
            i += 2
            guard nth == nil else { throw Reject(reason: "only one '\(word) … of the month' is understood") }
            nth = n
            try setDays([d], word)
            guard accept("of"), accept("the", "each", "every"), accept("month") else {
                throw Reject(reason: "'\(word) \(weekdayAbbreviations[d])' needs 'of the month'")
            }
            return true
        }
        if let d = weekday(word) {
            // A list ("Mon, Wed, Fri", "Mondays and Thursdays") or a range ("Mon-Fri", "Monday to Friday").
            var set: Set<Int> = [d]
            i += 1
            while let next = peek {
                if ["-", "to", "through", "thru", "till", "until", ".."].contains(next), i + 1 < tokens.count,
                    let e = weekday(tokens[i + 1])
                {
                    var k = d
                    while k != e {
                        set.insert(k)
                        k = (k + 1) % 7
                    }
                    set.insert(e)
                    i += 2
                } else if let e = weekday(next) {
                    set.insert(e)
                    i += 1
                } else if next == "and", i + 1 < tokens.count, let e = weekday(tokens[i + 1]) {
                    set.insert(e)
                    i += 2
                } else {
                    break
                }
            }
            try setDays(set, word)
            return true
        }
        return false
    }

    mutating func setPeriod(_ p: DayPeriod) throws(Reject) {
        if let period, period != p { throw Reject(reason: "'\(period.name)' and '\(p.name)' contradict each other") }
        period = p
    }

    mutating func readTimes() throws(Reject) -> Bool {
        guard let word = peek else { return false }
        if let n = counts[word] ?? Int(word), i + 1 < tokens.count, tokens[i + 1] == "times" || (word == "once" || word == "twice" || word == "thrice") && ["a", "per", "daily", "every"].contains(tokens[i + 1]) {
            // "twice a day", "3 times a day"
            if tokens[i + 1] == "times" { i += 2 } else { i += 1 }
            if expectedCount != nil { throw Reject(reason: "say how many times a day only once") }
            expectedCount = n
            return true
        }
        // "every 2 days", "3 hours": intervals are not times of day.
        if Int(word) != nil, i + 1 < tokens.count,
            ["minute", "minutes", "min", "mins", "hour", "hours", "day", "days", "week", "weeks", "month", "months"]
                .contains(tokens[i + 1])
        {
            throw Reject(
                reason: "'\(word) \(tokens[i + 1])' is an interval; trustd asks at times of day on days you name, e.g. 'Mon, Wed, Fri 7am'")
        }
        switch word {
        case "noon", "midday":
            i += 1
            times.append((ClockTime(hour: 12, minute: 0), false))
            return true
        case "midnight":
            i += 1
            times.append((ClockTime(hour: 0, minute: 0), false))
            return true
        default:
            break
        }
        guard let (time, explicit) = try clock(word) else { return false }
        i += 1
        var t = time
        var isExplicit = explicit
        // "7 pm", "7 p.m."
        if let suffix = peek, ["am", "pm", "a.m", "p.m", "a", "p"].contains(suffix) {
            guard !explicit else { throw Reject(reason: "'\(word) \(suffix)': a 24-hour time needs no am/pm") }
            if suffix == "a" || suffix == "p" {
                guard i + 1 < tokens.count, tokens[i + 1] == "m" else { return finish(t, isExplicit) }
                i += 1
            }
            i += 1
            t = try meridiem(t, pm: suffix.hasPrefix("p"), word: word)
            isExplicit = true
        }
        return finish(t, isExplicit)
    }

    mutating func finish(_ t: ClockTime, _ explicit: Bool) -> Bool {
        // Bare hours wait for a period word that may follow ("at 9 in the evening").
        times.append((t, !explicit))
        return true
    }

    func meridiem(_ t: ClockTime, pm: Bool, word: String) throws(Reject) -> ClockTime {
        guard (1...12).contains(t.hour) else { throw Reject(reason: "'\(word)' is not an hour on a 12-hour clock") }
        return ClockTime(hour: t.hour % 12 + (pm ? 12 : 0), minute: t.minute)
    }

    /// "19:00", "7:30", "7.30", "9", "7pm", "7:30am" (four digits such as "1900" are refused).
    /// Returns the time and whether it is explicit (24-hour with minutes, or with am/pm).
    func clock(_ word: String) throws(Reject) -> (ClockTime, Bool)? {
        var w = Substring(word)
        var suffix: Bool?  // pm?
        for (s, pm) in [("a.m", false), ("p.m", true), ("am", false), ("pm", true)] where w.hasSuffix(s) {
            let body = w.dropLast(s.count)
            guard !body.isEmpty, body.last!.isNumber else { continue }
            w = body
            suffix = pm
            break
        }
        guard let first = w.first, first.isNumber else { return nil }
        let parts = w.split(separator: ":", omittingEmptySubsequences: false).count == 2
            ? w.split(separator: ":", omittingEmptySubsequences: false)
            : w.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
            throw Reject(reason: "'\(word)' is not a time of day; write e.g. 19:00 or 7pm")
        }
        guard parts[0].count <= 2, let h = Int(parts[0]) else {
            throw Reject(reason: "'\(word)' is not a time of day; write e.g. 19:00 or 7pm")
        }
        var m = 0
        if parts.count == 2 {
            guard parts[1].count == 2, let mm = Int(parts[1]), mm < 60 else {
                throw Reject(reason: "'\(word)': minutes run from 00 to 59")
            }
            m = mm
        }
        if let pm = suffix {
            return (try meridiem(ClockTime(hour: h, minute: m), pm: pm, word: word), true)
        }
        guard h < 24 else { throw Reject(reason: "'\(word)': hours run from 0 to 23") }
        // "19:00", "07:30" and "00:15" are 24-hour times; "9", "9:30" or "10:30" may still take
        // am/pm or a period ("10:30 pm", "every evening at 9").
        return (ClockTime(hour: h, minute: m), h > 12 || h == 0 || parts[0].hasPrefix("0"))
    }

    mutating func build() throws(Reject) -> [String] {
        // Resolve bare hours with the period, if any; without one they are 24-hour times.
        var resolved: [ClockTime] = []
        for (t, bare) in times {
            if bare {
                let h = t.hour
                if let period {
                    guard let hh = period.hour(h) else {
                        throw Reject(reason: "\(h) o'clock is not in the \(period.name); say e.g. '\(h):00' or '\(h)pm'")
                    }
                    resolved.append(ClockTime(hour: hh, minute: t.minute))
                } else {
                    resolved.append(ClockTime(hour: h, minute: t.minute))
                }
            } else {
                if let period, period.hour(t.hour % 12 == 0 ? 12 : t.hour % 12) != t.hour,
                    !(period == .night && t.hour == 0)
                {
                    throw Reject(reason: "\(pad(t.hour)):\(pad(t.minute)) is not in the \(period.name)")
                }
                resolved.append(t)
            }
        }
        guard !resolved.isEmpty else {
            throw Reject(reason: "it does not say at what time; add one, e.g. 'at 7pm' or '21:30'")
        }
        let unique = Array(Set(resolved)).sorted()
        guard unique.count == resolved.count else { throw Reject(reason: "the same time is named twice") }
        if let n = expectedCount, n != unique.count {
            throw Reject(reason: "it says \(n == 1 ? "once" : "\(n) times") a day but names \(unique.count) time\(unique.count == 1 ? "" : "s")")
        }

        // Days.
        var prefix = ""
        var date = "*-*-*"
        let set = days ?? Set(0...6)
        if set.count < 7 { prefix = weekdayList(set) + " " }
        if let nth {
            let ranges = [1: "01..07", 2: "08..14", 3: "15..21", 4: "22..28", -1: "~01..07"]
            let r = ranges[nth]!
            date = r.hasPrefix("~") ? "*-*" + r : "*-*-" + r
        }
        // Times: one expression when all share their minutes, else one per time.
        let minutes = Set(unique.map(\.minute))
        if minutes.count == 1 {
            let hours = unique.map { pad($0.hour) }.joined(separator: ",")
            return [prefix + date + " " + hours + ":" + pad(unique[0].minute)].map(tidy)
        }
        return unique.map { tidy(prefix + date + " " + pad($0.hour) + ":" + pad($0.minute)) }
    }

    /// "Mon..Fri 19:00" rather than "Mon..Fri *-*-* 19:00": shorter, and as the example plan writes it.
    func tidy(_ e: String) -> String {
        if e.hasPrefix("*-*-* ") { return e }
        return e.replacingOccurrences(" *-*-* ", with: " ")
    }

    func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Mon..Fri, Sat,Sun, Mon,Wed,Fri: runs of three or more become ranges.
    func weekdayList(_ set: Set<Int>) -> String {
        let sorted = set.sorted()
        var parts: [String] = []
        var k = 0
        while k < sorted.count {
            var j = k
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            if j - k >= 2 {
                parts.append(weekdayAbbreviations[sorted[k]] + ".." + weekdayAbbreviations[sorted[j]])
            } else {
                for x in k...j { parts.append(weekdayAbbreviations[sorted[x]]) }
            }
            k = j + 1
        }
        return parts.joined(separator: ",")
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }

    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
