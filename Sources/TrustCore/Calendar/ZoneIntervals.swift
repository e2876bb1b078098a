// The UTC offset intervals of time zones, shared by every calendar search in the process.
//
// A `CalendarEngine` is made per `CalendarSpec.next()` call, and used to start with nothing
// known about its zone: each call asked Foundation's TimeZone (ICU, behind one process-wide
// lock) again for the same few transitions. `trustctl check` on a 5,000-item plan made tens of
// thousands of such calls from two threads. The intervals are facts of the tz database, not
// state: a search gives the same answer with or without this cache, and nothing in it depends
// on the clock or the environment.
import Foundation
import Synchronization

/// One stretch of a zone's time with a constant UTC offset and DST flag.
struct ZoneInterval: Sendable, Hashable {
    /// First second known to be inside (the real start may be earlier).
    var start: Int
    /// First second of the next interval (exclusive); `Int.max` if none.
    var end: Int
    var offset: Int
    var isDST: Bool
}

/// The intervals learned so far, per zone identifier, behind a mutex. Bounded: at most
/// `maxZones` zones (the one first seen longest ago is dropped to make room for another) and
/// `maxIntervals` intervals per zone (a zone that outgrows it starts over); a dropped interval
/// is only asked again.
final class ZoneIntervalCache: Sendable {
    /// The process's cache.
    static let shared = ZoneIntervalCache(maxZones: 64, maxIntervals: 4096)

    let maxZones: Int
    let maxIntervals: Int
    private struct State {
        var tables: [String: [ZoneInterval]] = [:]
        var order: [String] = []  // zones in the order they were first seen
    }
    private let state = Mutex(State())

    init(maxZones: Int, maxIntervals: Int) {
        self.maxZones = max(1, maxZones)
        self.maxIntervals = max(1, maxIntervals)
    }

    /// How many zones it holds.
    var zoneCount: Int { state.withLock { $0.tables.count } }

    /// What is known about `zone`: intervals sorted by `end`, disjoint.
    func intervals(_ zone: String) -> [ZoneInterval] {
        state.withLock { $0.tables[zone] ?? [] }
    }

    /// Adds what was learned at instant `t` (`interval` contains `t`) and returns the zone's
    /// intervals with it.
    func insert(_ interval: ZoneInterval, zone: String) -> [ZoneInterval] {
        state.withLock { state in
            if state.tables[zone] == nil {
                if state.tables.count >= maxZones { state.tables[state.order.removeFirst()] = nil }
                state.order.append(zone)
            }
            var list = state.tables.removeValue(forKey: zone) ?? []  // uniquely referenced while it changes
            Self.insert(interval, into: &list)
            if list.count > maxIntervals { list = [interval] }
            state.tables[zone] = list
            return list
        }
    }

    /// Index of the first interval in `list` whose end is after `t`.
    static func firstEnding(after t: Int, in list: [ZoneInterval]) -> Int {
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].end <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Merges an interval learned at its `start` into a sorted, disjoint list: the same stretch
    /// seen from an earlier second extends the known one.
    static func insert(_ interval: ZoneInterval, into list: inout [ZoneInterval]) {
        let t = interval.start
        let lo = firstEnding(after: t, in: list)
        if lo < list.count && list[lo].start <= t { return }  // already known
        if lo < list.count && list[lo].end == interval.end {
            list[lo].start = t
        } else {
            list.insert(interval, at: lo)
        }
    }
}
