// `trustctl export`: every occurrence with its answer and note, for a spreadsheet, a backup or a counsellor.
import Foundation
import TrustCore

public enum Export {
    public enum Format: String, Sendable, CaseIterable {
        /// RFC 4180: a header row, CRLF line ends, fields quoted when they need it.
        case csv
        /// One JSON array.
        case json
        /// JSON lines: one object per line.
        case jsonl
    }

    public static let columns = [
        "id", "item", "kind", "title", "day", "scheduled", "scheduled_local", "zone", "deadline", "state",
        "answered_at", "note",
    ]

    /// The rows, oldest first (by day, then scheduled instant). `titles` come from the plan when it has the item.
    public static func render(_ records: [OccurrenceRecord], titles: [ItemID: String], format: Format) throws -> Data {
        var sorted = records
        sorted.sort { a, b in
            if a.day != b.day { return a.day < b.day }
            if a.scheduled != b.scheduled { return a.scheduled < b.scheduled }
            return a.id < b.id
        }
        var zones = ZoneCache()
        switch format {
        case .csv:
            var out = columns.joined(separator: ",") + "\r\n"
            for r in sorted {
                out += fields(r, titles: titles, zones: &zones).map { csvField($0 ?? "") }.joined(separator: ",")
                out += "\r\n"
            }
            return Data(out.utf8)
        case .json, .jsonl:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var out = Data()
            if format == .json { out.append(contentsOf: Array("[".utf8)) }
            for (i, r) in sorted.enumerated() {
                let values = fields(r, titles: titles, zones: &zones)
                let object = Row(id: r.id, values: Dictionary(uniqueKeysWithValues: zip(columns, values)))
                if format == .json { out.append(contentsOf: Array((i == 0 ? "\n" : ",\n").utf8)) }
                out.append(try encoder.encode(object))
                if format == .jsonl { out.append(0x0A) }
            }
            if format == .json { out.append(contentsOf: Array((sorted.isEmpty ? "]\n" : "\n]\n").utf8)) }
            return out
        }
    }

    static func fields(_ r: OccurrenceRecord, titles: [ItemID: String], zones: inout ZoneCache) -> [String?] {
        let zone = zones.zone(r.zone)
        return [
            String(r.id), r.item.rawValue, r.kind.rawValue, titles[r.item], r.day.description,
            TrustReport.Format.utc(r.scheduled), TrustReport.Format.local(r.scheduled, in: zone), r.zone,
            TrustReport.Format.utc(r.deadline), r.state.rawValue, r.answeredAt.map(TrustReport.Format.utc), r.note,
        ]
    }

    /// RFC 4180: quoted when it contains a comma, a quote, CR or LF (and then quotes doubled); also when it
    /// starts or ends with a space, which some spreadsheets would trim.
    public static func csvField(_ s: String) -> String {
        let needs = s.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
            || s.hasPrefix(" ") || s.hasSuffix(" ")
        return needs ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    struct Row: Encodable {
        var id: Int64
        var values: [String: String?]
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in values {
                if k == "id" { try c.encode(id, forKey: Key(stringValue: k)) } else { try c.encode(v, forKey: Key(stringValue: k)) }
            }
        }
    }
}
