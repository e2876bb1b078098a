// The shared cache of zone offset intervals: it answers what Foundation answers, stays sorted and
// bounded, and no search depends on it (a tiny or fresh cache gives the same elapses as the
// process's shared one, from many threads at once).
import Dispatch
import Foundation
import Synchronization
import Testing
import TrustTestSupport

@testable import TrustCore

@Suite struct ZoneIntervalCacheTests {
    /// DST north and south, a 30-minute DST change (Lord Howe), negative DST (Dublin, Casablanca,
    /// Windhoek's flag window), no DST, odd offsets, UTC.
    static let zones = [
        "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Europe/Dublin", "Africa/Casablanca",
        "Africa/Windhoek", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns", "UTC",
    ]

    /// Instants from 1970 to 2199: random ones, and each side of the first transitions after a few years.
    static func instants(_ zone: TimeZone, seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed)
        var result = (0..<300).map { _ in Int.random(in: 0...7_258_118_399, using: &rng) }
        for start in [0, 1_000_000_000, 1_767_225_600, 4_000_000_000] {
            var t = Date(timeIntervalSince1970: Double(start))
            for _ in 0..<3 {
                guard let next = zone.nextDaylightSavingTimeTransition(after: t) else { break }
                let s = Int(next.timeIntervalSince1970)
                result += [s - 1, s, s + 1]
                t = next
            }
        }
        return result
    }

    /// Foundation's answer, with glibc's tm_isdst where they differ (negative DST).
    static func expected(_ zone: TimeZone, _ t: Int) -> (Int, Bool) {
        let date = Date(timeIntervalSince1970: Double(t))
        if zone.identifier == "UTC" { return (0, false) }
        let inverted = ZoneOffsets.negativeDST(zone.identifier)?.contains(t) ?? false
        return (zone.secondsFromGMT(for: date), zone.isDaylightSavingTime(for: date) != inverted)
    }

    @Test(arguments: [(64, 4096), (2, 3), (1, 1)])
    func offsetsAreFoundations(maxZones: Int, maxIntervals: Int) throws {
        let cache = ZoneIntervalCache(maxZones: maxZones, maxIntervals: maxIntervals)
        // Every zone through one cache, twice (the second pass is answered from what the first learned),
        // the instants shuffled so that lookups jump back and forth.
        for pass in 0..<2 {
            for (n, id) in Self.zones.enumerated() {
                let zone = try #require(TimeZone(identifier: id))
                var offsets = ZoneOffsets(zone, cache: cache)
                var instants = Self.instants(zone, seed: UInt64(n))
                var rng = SplitMix64(seed: UInt64(pass))
                instants.shuffle(using: &rng)
                for t in instants {
                    let (offset, isDST) = offsets.at(t)
                    let (wantOffset, wantDST) = Self.expected(zone, t)
                    #expect(offset == wantOffset && isDST == wantDST, "\(id) at \(t)")
                }
                #expect(cache.zoneCount <= maxZones)
                #expect(cache.intervals(id).count <= maxIntervals)
                #expect(Self.isSortedAndDisjoint(cache.intervals(id)))
            }
        }
    }

    static func isSortedAndDisjoint(_ list: [ZoneInterval]) -> Bool {
        list.allSatisfy { $0.start < $0.end } && zip(list, list.dropFirst()).allSatisfy { $0.end <= $1.start }
    }

    /// Merging: a stretch seen again from an earlier second grows; a known second changes nothing;
    /// other stretches go in order.
    @Test func insertMergesAndOrders() {
        func i(_ start: Int, _ end: Int, _ offset: Int = 3600) -> ZoneInterval {
            ZoneInterval(start: start, end: end, offset: offset, isDST: false)
        }
        var list: [ZoneInterval] = []
        ZoneIntervalCache.insert(i(100, 200), into: &list)
        ZoneIntervalCache.insert(i(500, 900, 7200), into: &list)
        ZoneIntervalCache.insert(i(300, 400), into: &list)
        #expect(list == [i(100, 200), i(300, 400), i(500, 900, 7200)])
        ZoneIntervalCache.insert(i(250, 400), into: &list)  // the same stretch, from earlier
        ZoneIntervalCache.insert(i(600, 900, 7200), into: &list)  // already known
        ZoneIntervalCache.insert(i(950, Int.max), into: &list)
        ZoneIntervalCache.insert(i(0, 50), into: &list)
        #expect(list == [i(0, 50), i(100, 200), i(250, 400), i(500, 900, 7200), i(950, Int.max)])
        #expect(ZoneIntervalCache.firstEnding(after: 399, in: list) == 2)
        #expect(ZoneIntervalCache.firstEnding(after: 400, in: list) == 3)
        #expect(ZoneIntervalCache.firstEnding(after: 10_000, in: list) == 4)
    }

    @Test func boundedInZonesAndIntervals() {
        let cache = ZoneIntervalCache(maxZones: 3, maxIntervals: 5)
        for z in 0..<10 {
            for k in 0..<12 {
                _ = cache.insert(ZoneInterval(start: k * 100, end: k * 100 + 50, offset: 0, isDST: false), zone: "Z\(z)")
            }
            #expect(cache.zoneCount <= 3)
            #expect(cache.intervals("Z\(z)").count <= 5 && !cache.intervals("Z\(z)").isEmpty)
        }
        // The zones seen first made room for later ones.
        #expect((0..<7).allSatisfy { cache.intervals("Z\($0)").isEmpty })
        #expect((7..<10).allSatisfy { !cache.intervals("Z\($0)").isEmpty })
    }

    /// The elapses of generated expressions are the same through the process's cache, a fresh one,
    /// and one too small to keep anything, computed serially and from many threads at once.
    @Test func searchesDoNotDependOnTheCache() throws {
        var g = ExpressionGenerator(rng: SplitMix64(seed: 0x2A0E))
        var specs: [CalendarSpec] = []
        while specs.count < 40 {
            if let spec = try? CalendarSpec.parse(g.expression()) { specs.append(spec) }
        }
        let bases: [Int64] = [1_795_604_400_000_000, 1_774_742_399_000_000, 1_792_288_800_000_000, 0]
        struct Job: Sendable {
            var spec: CalendarSpec
            var zone: String
            var base: Int64
        }
        let jobs = specs.flatMap { spec in
            Self.zones.flatMap { zone in bases.map { Job(spec: spec, zone: zone, base: $0) } }
        }
        @Sendable func run(_ job: Job, _ cache: ZoneIntervalCache) -> [Int64] {
            var engine = CalendarEngine(spec: job.spec, zone: TimeZone(identifier: job.zone)!, cache: cache)
            var after = job.base
            var result: [Int64] = []
            for _ in 0..<5 {
                guard let next = engine.next(afterMicroseconds: after) else { break }
                result.append(next)
                after = next
            }
            return result
        }
        let reference = jobs.map { run($0, ZoneIntervalCache(maxZones: 1, maxIntervals: 1)) }
        #expect(jobs.map { run($0, .shared) } == reference)
        #expect(jobs.map { run($0, ZoneIntervalCache(maxZones: 64, maxIntervals: 4096)) } == reference)
        for cache in [ZoneIntervalCache.shared, ZoneIntervalCache(maxZones: 64, maxIntervals: 4096), ZoneIntervalCache(maxZones: 2, maxIntervals: 4)] {
            let results = Mutex<[Int: [Int64]]>([:])
            DispatchQueue.concurrentPerform(iterations: 8) { part in
                for i in stride(from: part, to: jobs.count, by: 8) {
                    let r = run(jobs[i], cache)
                    results.withLock { $0[i] = r }
                }
            }
            let parallel = results.withLock { r in jobs.indices.map { r[$0] ?? [] } }
            #expect(parallel == reference)
        }
    }
}
