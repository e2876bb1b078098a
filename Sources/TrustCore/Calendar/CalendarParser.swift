// The calendar-expression grammar, accepting exactly what systemd 252's
// calendar_spec_from_string accepts, but saying where and why an expression is wrong.
import Foundation

struct CalendarParser {
    private let text: String
    private let bytes: [UInt8]
    /// End of the part being parsed (the zone suffix excluded). Reads past it give 0, as
    /// systemd parses a NUL-terminated copy.
    private var end: Int

    // What has been parsed.
    private var weekdays = 0
    private var year: [Located] = []
    private var month: [Located] = []
    private var day: [Located] = []
    private var hour: [Located] = []
    private var minute: [Located] = []
    private var microsecond: [Located] = []
    private var endOfMonth = false
    private var endOfMonthAt = 0
    private var utc = false
    private var zoneName: String?
    private var zone: TimeZone?

    /// A component and where it was written (byte offset), for errors found after parsing.
    private struct Located {
        var component: CalendarComponent
        var at: Int
    }

    private enum Field {
        case year, month, day, hour, minute, second

        var name: String {
            switch self {
            case .year: "year"
            case .month: "month"
            case .day: "day"
            case .hour: "hour"
            case .minute: "minute"
            case .second: "second"
            }
        }
    }

    init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
        self.end = bytes.count
    }

    // MARK: Characters

    @inline(__always)
    private func ch(_ i: Int) -> UInt8 { i < end ? bytes[i] : 0 }

    private static let space = UInt8(ascii: " ")
    private static let colon = UInt8(ascii: ":")
    private static let dash = UInt8(ascii: "-")
    private static let tilde = UInt8(ascii: "~")
    private static let dot = UInt8(ascii: ".")
    private static let comma = UInt8(ascii: ",")
    private static let slash = UInt8(ascii: "/")

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// The decimal number starting at `p`, which moves past all its digits; nil when it does not
    /// fit in 64 bits.
    private func digits(_ p: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var overflow = false
        while Self.isDigit(ch(p)) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(ch(p) - 0x30))
            if o1 || o2 { overflow = true }
            value = a
            p += 1
        }
        return overflow ? nil : value
    }

    private static func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    private static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c + 32 : c }

    private func skipSpaces(_ i: Int) -> Int {
        var i = i
        while ch(i) == Self.space { i += 1 }
        return i
    }

    /// The 1-based column (in characters) of byte offset `at`.
    private func column(_ at: Int) -> Int {
        let clamped = min(max(at, 0), bytes.count)
        return String(decoding: bytes[0..<clamped], as: UTF8.self).count + 1
    }

    private func error(_ at: Int, _ message: String) -> CalendarSpecError {
        CalendarSpecError(column: column(at), message: message)
    }

    /// The text from `at` up to the next separator, for messages.
    private func word(_ at: Int, stoppingAt stops: Set<UInt8> = [0x20, 0x2C, 0x2E, 0x2D, 0x3A, 0x7E, 0x2F]) -> String {
        var i = at
        while i < bytes.count && !stops.contains(bytes[i]) { i += 1 }
        if i == at && at < bytes.count { i += 1 }
        return String(decoding: bytes[at..<min(i, bytes.count)], as: UTF8.self)
    }

    private func found(_ at: Int) -> String {
        if at >= end { return "the end of the expression" }
        let w = word(at)
        return "'\(w)'"
    }

    // MARK: Entry

    mutating func parse() throws(CalendarSpecError) -> CalendarSpec {
        if bytes.contains(0) {
            throw error(bytes.firstIndex(of: 0)!, "NUL character in calendar expression")
        }
        splitZone()
        if end == 0 {
            throw error(0, utc ? "expected a calendar expression before 'UTC'" : "empty calendar expression")
        }
        do {
            try parseBody()
        } catch let bodyError {
            // "daily Europe/Berln": the last word is no zone, so systemd parses it as part of the
            // expression and fails. Say what was most likely meant.
            if zoneName == nil, !utc, let space = bytes.lastIndex(of: Self.space), space > 0, space + 1 < bytes.count {
                var prefix = CalendarParser(String(decoding: bytes[0..<space], as: UTF8.self))
                prefix.end = space
                let name = String(decoding: bytes[(space + 1)...], as: UTF8.self)
                let looksLikeZone =
                    name.utf8.first.map(Self.isLetter) == true
                    && name.utf8.allSatisfy { Self.isLetter($0) || Self.isDigit($0) || "/_+-".utf8.contains($0) }
                if looksLikeZone, (try? prefix.parseBody()) != nil {
                    throw error(space + 1, "unknown time zone '\(name)' (expected UTC or an IANA zone such as Europe/Berlin)")
                }
            }
            throw bodyError
        }
        return try finish()
    }

    /// `… UTC` (any case) or `… Zone/Name` at the end.
    private mutating func splitZone() {
        let suffix: [UInt8] = Array(" utc".utf8)
        if bytes.count >= 4 && zip(bytes[(bytes.count - 4)...], suffix).allSatisfy({ Self.lower($0) == $1 }) {
            utc = true
            end = bytes.count - 4
            return
        }
        guard let space = bytes.lastIndex(of: Self.space) else { return }
        let name = String(decoding: bytes[(space + 1)...], as: UTF8.self)
        if let zone = Self.zone(named: name) {
            self.zone = zone
            zoneName = name
            end = space
        }
    }

    /// A zone systemd accepts (`timezone_is_valid`) and Foundation knows under that very name.
    static func zone(named name: String) -> TimeZone? {
        let b = Array(name.utf8)
        guard !b.isEmpty, b.first != slash, b.last != slash else { return nil }
        var previousSlash = false
        for c in b {
            let ok =
                isDigit(c) || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == dash || c == 0x5F
                || c == 0x2B || c == slash
            guard ok, !(c == slash && previousSlash) else { return nil }
            previousSlash = c == slash
        }
        guard let zone = TimeZone(identifier: name) ?? knownZone(name) else { return nil }
        if zone.identifier == name { return zone }
        // Foundation reports UTC and its aliases under other names ("GMT").
        if ["UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Zulu", "Etc/Universal", "Etc/Zulu"].contains(name) {
            return zone
        }
        return nil
    }

    /// The names Foundation lists. Referencing the list is what links Foundation's named zones
    /// into a binary built with --static-swift-stdlib: without it `TimeZone(identifier:)` is nil
    /// for every name there (see the feasibility notes, "Static trap"). Also the lookup of last
    /// resort.
    private static let knownZoneNames = Set(TimeZone.knownTimeZoneIdentifiers)

    @inline(never)
    private static func knownZone(_ name: String) -> TimeZone? {
        knownZoneNames.contains(name) ? TimeZone(identifier: name) : nil
    }

    // MARK: Grammar

    private mutating func parseBody() throws(CalendarSpecError) {
        let body = String(decoding: bytes[0..<end].map(Self.lower), as: UTF8.self)
        let zero = [Located(component: .value(0), at: 0)]
        switch body {
        case "minutely":
            microsecond = zero
        case "hourly":
            minute = zero
            microsecond = zero
        case "daily":
            (hour, minute, microsecond) = (zero, zero, zero)
        case "monthly":
            day = [Located(component: .value(1), at: 0)]
            (hour, minute, microsecond) = (zero, zero, zero)
        case "annually", "yearly", "anually":
            month = [Located(component: .value(1), at: 0)]
            day = month
            (hour, minute, microsecond) = (zero, zero, zero)
        case "weekly":
            weekdays = 1
            (hour, minute, microsecond) = (zero, zero, zero)
        case "quarterly":
            month = [1, 4, 7, 10].map { Located(component: .value($0), at: 0) }
            day = [Located(component: .value(1), at: 0)]
            (hour, minute, microsecond) = (zero, zero, zero)
        case "biannually", "bi-annually", "semiannually", "semi-annually":
            month = [1, 7].map { Located(component: .value($0), at: 0) }
            day = [Located(component: .value(1), at: 0)]
            (hour, minute, microsecond) = (zero, zero, zero)
        default:
            var p = 0
            try parseWeekdays(&p)
            let wasTimestamp = try parseDate(&p)
            if !wasTimestamp {
                try parseTime(&p)
            }
            if ch(p) != 0 {
                throw error(p, "unexpected \(found(p)) at the end of the expression")
            }
        }
    }

    private static let weekdayTable: [(String, Int)] = [
        ("monday", 0), ("mon", 0), ("tuesday", 1), ("tue", 1), ("wednesday", 2), ("wed", 2),
        ("thursday", 3), ("thu", 3), ("friday", 4), ("fri", 4), ("saturday", 5), ("sat", 5),
        ("sunday", 6), ("sun", 6),
    ]

    private func weekdayPrefix(at p: Int) -> (length: Int, number: Int)? {
        outer: for (name, nr) in Self.weekdayTable {
            let n = name.utf8
            var i = p
            for c in n {
                guard Self.lower(ch(i)) == c else { continue outer }
                i += 1
            }
            return (n.count, nr)
        }
        return nil
    }

    private func isWeekdayTerminator(_ c: UInt8) -> Bool {
        c == 0 || c == Self.dash || c == Self.dot || c == Self.comma || c == Self.space
    }

    private mutating func parseWeekdays(_ p: inout Int) throws(CalendarSpecError) {
        var l = -1
        var rangeStart = 0
        var first = true
        while true {
            guard let (length, nr) = weekdayPrefix(at: p) else {
                if first { return }
                throw error(p, "expected a weekday (Mon…Sun), found \(found(p))")
            }
            if !isWeekdayTerminator(ch(p + length)) {
                throw error(p, "unknown weekday '\(word(p))' (expected Mon…Sun or Monday…Sunday)")
            }
            weekdays |= 1 << nr
            if l >= 0 {
                if l > nr {
                    throw error(
                        rangeStart,
                        "weekday range '\(String(decoding: bytes[rangeStart..<(p + length)], as: UTF8.self))' runs backwards (weeks start on Monday)"
                    )
                }
                for j in (l + 1)..<max(l + 1, nr) { weekdays |= 1 << j }
            }
            let nameAt = p
            p += length
            if ch(p) == 0 { return }
            if ch(p) == Self.space {
                p = skipSpaces(p)
                return
            }
            if ch(p) == Self.dot {
                if l >= 0 { throw error(p, "a weekday range cannot continue with another '..'") }
                if ch(p + 1) != Self.dot { throw error(p, "expected '..' in a weekday range") }
                l = nr
                rangeStart = nameAt
                p += 2
            } else if ch(p) == Self.dash {
                if l >= 0 { throw error(p, "a weekday range cannot continue with another '-'") }
                l = nr
                rangeStart = nameAt
                p += 1
            } else if ch(p) == Self.comma {
                l = -1
                p += 1
            }
            if ch(p) == 0 || ch(p) == Self.space {
                if l >= 0 { throw error(p, "weekday range has no end (expected a weekday after '..')") }
                p = skipSpaces(p)
                return
            }
            first = false
        }
    }

    /// Returns true for `@EPOCH`, which leaves nothing more to parse.
    private mutating func parseDate(_ p: inout Int) throws(CalendarSpecError) -> Bool {
        if ch(p) == 0 { return false }
        if ch(p) == UInt8(ascii: "@") {
            try parseTimestamp(&p)
            return true
        }
        if Self.isLetter(ch(p)) {
            throw error(
                p,
                "unknown weekday or keyword '\(word(p))' (expected Mon…Sun, a date, a time, or one of minutely, hourly, daily, weekly, monthly, quarterly, semiannually, yearly)"
            )
        }
        var t = p
        let first = try parseChain(&t, usec: false, field: .month)
        if ch(t) == 0 || ch(t) == Self.colon {
            return false  // a time, not a date: parse it again as one
        }
        if ch(t) == Self.tilde {
            endOfMonth = true
            endOfMonthAt = t
        } else if ch(t) != Self.dash {
            throw error(t, "expected '-' between year, month and day, or ':' between hour and minute, found \(found(t))")
        }
        t += 1
        let second = try parseChain(&t, usec: false, field: .day)
        if ch(t) == 0 || ch(t) == Self.space {
            p = skipSpaces(t)
            month = first
            day = second
            return false
        } else if endOfMonth {
            throw error(endOfMonthAt, "'~' (days before the end of the month) goes between month and day")
        }
        if ch(t) == Self.tilde {
            endOfMonth = true
            endOfMonthAt = t
        } else if ch(t) != Self.dash {
            throw error(t, "expected '-' or '~' before the day, found \(found(t))")
        }
        t += 1
        let third = try parseChain(&t, usec: false, field: .day)
        if !(ch(t) == 0 || ch(t) == Self.space) {
            throw error(t, "expected a space after the date, found \(found(t))")
        }
        p = skipSpaces(t)
        year = first
        month = second
        day = third
        return false
    }

    /// `@EPOCH`: that second, in UTC. Read like strtoul (leading blanks and a sign are allowed).
    private mutating func parseTimestamp(_ p: inout Int) throws(CalendarSpecError) {
        let at = p
        var t = p + 1
        while [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains(ch(t)) { t += 1 }
        var negative = false
        if ch(t) == UInt8(ascii: "+") || ch(t) == Self.dash {
            negative = ch(t) == Self.dash
            t += 1
        }
        guard Self.isDigit(ch(t)) else {
            throw error(t, "expected seconds since the epoch after '@', found \(found(t))")
        }
        guard var value = digits(&t) else { throw error(at, "timestamp out of range") }
        if negative { value = 0 &- value }
        let seconds = Int64(bitPattern: value)
        p = t
        // Years 1970…2199 only: anything else is rejected by systemd's validity check.
        guard seconds >= 0, seconds <= 7_258_118_399 else {
            throw error(at, "timestamp out of range (years 1970…2199)")
        }
        var utcClock = ZoneOffsets(nil)
        let tm = utcClock.brokenDown(Int(seconds))
        year = [Located(component: .value(tm.year), at: at)]
        month = [Located(component: .value(tm.month + 1), at: at)]
        day = [Located(component: .value(tm.day), at: at)]
        hour = [Located(component: .value(tm.hour), at: at)]
        minute = [Located(component: .value(tm.minute), at: at)]
        microsecond = [Located(component: .value(tm.second * 1_000_000), at: at)]
        utc = true
    }

    private mutating func parseTime(_ p: inout Int) throws(CalendarSpecError) {
        let zero = [Located(component: .value(0), at: p)]
        if ch(p) == 0 {
            (hour, minute, microsecond) = (zero, zero, zero)
            return
        }
        var t = p
        let h = try parseChain(&t, usec: false, field: .hour)
        if ch(t) != Self.colon {
            throw error(t, "expected ':' after the hour, found \(found(t))")
        }
        t += 1
        let m = try parseChain(&t, usec: false, field: .minute)
        var s = [Located(component: .value(0), at: t)]
        if ch(t) != 0 {
            if ch(t) != Self.colon {
                throw error(t, "expected ':' after the minute or the end of the expression, found \(found(t))")
            }
            t += 1
            s = try parseChain(&t, usec: true, field: .second)
            if ch(t) != 0 {
                throw error(t, "unexpected \(found(t)) after the seconds")
            }
        }
        p = t
        hour = h
        minute = m
        microsecond = s
    }

    /// `*`, or a comma-separated list of `A`, `A..B`, `A/R`, `A..B/R`.
    private func parseChain(_ p: inout Int, usec: Bool, field: Field) throws(CalendarSpecError) -> [Located] {
        if ch(p) == UInt8(ascii: "*") {
            defer { p += 1 }
            return usec ? [Located(component: CalendarComponent(start: 0, stop: -1, step: 1_000_000), at: p)] : []
        }
        var chain: [Located] = []
        var e = p
        while true {
            if chain.count > 240 {
                throw error(e, "too many values in one list (at most 241)")
            }
            let at = e
            let start = try parseDecimal(&e, usec: usec, field: field)
            var stop = -1
            var step = 0
            if ch(e) == Self.dot && ch(e + 1) == Self.dot {
                e += 2
                stop = try parseDecimal(&e, usec: usec, field: field)
                step = usec ? 1_000_000 : 1
            }
            if ch(e) == Self.slash {
                e += 1
                let stepAt = e
                step = try parseDecimal(&e, usec: usec, field: field)
                if step == 0 { throw error(stepAt, "a repetition must be greater than 0") }
            } else {
                if start > Int(Int32.max) - step { throw error(at, "number too large") }
                if usec && stop >= 0 && start + step > stop {
                    throw error(at, "a range of seconds shorter than 1s needs a repetition ('/…')")
                }
            }
            let c = ch(e)
            if !(c == 0 || c == Self.space || c == Self.comma || c == Self.dash || c == Self.tilde || c == Self.colon) {
                throw error(e, "unexpected \(found(e)) in the \(field.name)")
            }
            chain.append(Located(component: CalendarComponent(start: start, stop: stop, step: step), at: at))
            if c == Self.comma {
                e += 1
                continue
            }
            p = e
            return chain
        }
    }

    /// A decimal number; for seconds, with up to 6 fractional digits (rounded at the 7th),
    /// returned in microseconds.
    private func parseDecimal(_ p: inout Int, usec: Bool, field: Field) throws(CalendarSpecError) -> Int {
        guard Self.isDigit(ch(p)) else {
            throw error(p, "expected a number or '*' for the \(field.name), found \(found(p))")
        }
        let at = p
        var e = p
        guard var value = digits(&e) else { throw error(at, "number too large") }
        if usec {
            let (m, o) = value.multipliedReportingOverflow(by: 1_000_000)
            if o { throw error(at, "number too large") }
            value = m
            if ch(e) == Self.dot && ch(e + 1) != Self.dot {
                e += 1
                guard Self.isDigit(ch(e)) else {
                    throw error(e, "expected digits after the decimal point, found \(found(e))")
                }
                var fraction: UInt64 = 0
                var digits = 0
                while digits < 6 {
                    if !Self.isDigit(ch(e)) {
                        while digits < 6 {
                            fraction *= 10
                            digits += 1
                        }
                        break
                    }
                    fraction = fraction * 10 + UInt64(ch(e) - 0x30)
                    e += 1
                    digits += 1
                }
                if ch(e) >= UInt8(ascii: "5") && ch(e) <= UInt8(ascii: "9") { fraction += 1 }
                while Self.isDigit(ch(e)) { e += 1 }
                let (s, o2) = value.addingReportingOverflow(fraction)
                if o2 { throw error(at, "number too large") }
                value = s
            }
        }
        if value > UInt64(Int32.max) { throw error(at, "number too large") }
        p = e
        return Int(value)
    }

    // MARK: Normalization and validity (calendar_spec_normalize, calendar_spec_valid)

    private mutating func finish() throws(CalendarSpecError) -> CalendarSpec {
        if weekdays <= 0 || weekdays >= 127 { weekdays = -1 }
        if endOfMonth && day.isEmpty { endOfMonth = false }
        for i in year.indices {
            var c = year[i].component
            if c.start >= 0 && c.start < 70 { c.start += 2000 }
            if c.stop >= 0 && c.stop < 70 { c.stop += 2000 }
            if c.start >= 70 && c.start < 100 { c.start += 1900 }
            if c.stop >= 70 && c.stop < 100 { c.stop += 1900 }
            year[i].component = c
        }
        let y = try normalize(year, field: .year, from: 1970, to: 2199)
        let mo = try normalize(month, field: .month, from: 1, to: 12)
        let d = try normalize(day, field: .day, from: 1, to: 31)
        let h = try normalize(hour, field: .hour, from: 0, to: 23)
        let mi = try normalize(minute, field: .minute, from: 0, to: 59)
        let s = try normalize(microsecond, field: .second, from: 0, to: 60 * 1_000_000 - 1)
        return CalendarSpec(
            original: text, timeZone: utc ? TimeZone(identifier: "UTC") : zone, zoneName: zoneName,
            weekdays: weekdays, year: y, month: mo, day: d, hour: h, minute: mi, microsecond: s,
            endOfMonth: endOfMonth, utc: utc)
    }

    private func describe(_ v: Int, _ field: Field) -> String {
        guard field == .second else { return String(v) }
        if v % 1_000_000 == 0 { return String(v / 1_000_000) }
        return String(Double(v) / 1_000_000)
    }

    /// normalize_chain, then chain_valid on the result. One quirk is kept on purpose: systemd
    /// lowers the upper bound of a `~` day list by 3 for each element (its recursion subtracts
    /// again), so `*-*~28` is valid but `*-*~13,28` is not.
    private func normalize(_ chain: [Located], field: Field, from: Int, to fullTo: Int) throws(CalendarSpecError)
        -> [CalendarComponent]
    {
        var items: [Located] = chain.map { located in
            var c = located.component
            if c.stop > c.start && c.step > 0 { c.stop -= (c.stop - c.start) % c.step }
            if (c.stop > c.start && c.step > 0 && c.start + c.step > c.stop) || c.start == c.stop {
                c.step = 0
                c.stop = -1
            }
            var l = located
            l.component = c
            return l
        }
        items.sort { $0.component < $1.component }
        var unique: [Located] = []
        unique.reserveCapacity(items.count)
        for l in items where unique.last?.component != l.component { unique.append(l) }

        let eom = field == .day && endOfMonth
        var to = fullTo
        for located in unique {
            let c = located.component
            let at = located.at
            if eom { to -= 3 }
            let range = eom ? "1…\(to) (days before the end of the month)" : "\(describe(from, field))…\(describe(fullTo, field))"
            if c.start < from || c.start > to {
                throw error(at, "\(field.name) \(describe(c.start, field)) is out of range \(range)")
            }
            if c.step > to - from {
                throw error(at, "repetition \(describe(c.step, field)) is too large for the \(field.name)")
            }
            if c.stop >= 0 {
                if c.stop < from || c.stop > to {
                    throw error(at, "\(field.name) \(describe(c.stop, field)) is out of range \(range)")
                }
                if c.start + c.step > c.stop {
                    throw error(at, "\(field.name) range \(describe(c.start, field))..\(describe(c.stop, field)) is empty or runs backwards")
                }
            } else if eom && c.start - c.step < from {
                throw error(at, "repetition \(describe(c.step, field)) never fires before the end of the month")
            } else if !eom && c.start + c.step > to {
                throw error(at, "repetition \(describe(c.step, field)) never fires after \(describe(c.start, field)) (\(field.name)s end at \(describe(to, field)))")
            }
        }
        return unique.map(\.component)
    }
}
