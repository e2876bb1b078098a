// `trustctl export`: every occurrence with its answer and note, for a spreadsheet, a backup or a counsellor.
import Foundation
import TrustCore

public enum Export {
    public enum Format: String, Sendable, CaseIterable {
        /// RFC 4180: a header row, CRLF line ends, fields quoted when they need it.
        case csv
        /// One JSON array, one object per line.
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
        var out = Data()
        switch format {
        case .csv:
            out.reserveCapacity(sorted.count * 180 + 128)
            out.append(contentsOf: Array((columns.joined(separator: ",") + "\r\n").utf8))
            for r in sorted {
                var line = ""
                for (i, field) in fields(r, titles: titles, zones: &zones).enumerated() {
                    if i > 0 { line += "," }
                    line += csvField(field ?? "")
                }
                line += "\r\n"
                out.append(contentsOf: line.utf8)
            }
        case .json, .jsonl:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if format == .json { out.append(contentsOf: Array("[".utf8)) }
            for (i, r) in sorted.enumerated() {
                if format == .json { out.append(contentsOf: Array((i == 0 ? "\n" : ",\n").utf8)) }
                out.append(try encoder.encode(Row(values: fields(r, titles: titles, zones: &zones))))
                if format == .jsonl { out.append(0x0A) }
            }
            if format == .json { out.append(contentsOf: Array((sorted.isEmpty ? "]\n" : "\n]\n").utf8)) }
        }
        return out
    }

    static func fields(_ r: OccurrenceRecord, titles: [ItemID: String], zones: inout ZoneCache) -> [String?] {
        let offset = zones.offset(r.zone, at: r.scheduled)
        return [
            String(r.id), r.item.rawValue, r.kind.rawValue, titles[r.item], TrustReport.Format.day(r.day),
            TrustReport.Format.utcFast(r.scheduled), TrustReport.Format.localFast(r.scheduled, offset: offset), r.zone,
            TrustReport.Format.utcFast(r.deadline), r.state.rawValue, r.answeredAt.map(TrustReport.Format.utcFast), r.note,
        ]
    }

    /// RFC 4180: quoted when it contains a comma, a quote, CR or LF (and then quotes doubled); also when it
    /// starts or ends with a space, which some spreadsheets would trim.
    public static func csvField(_ s: String) -> String {
        let utf8 = s.utf8
        let needs =
            utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 13 || $0 == 10 }
            || utf8.first == UInt8(ascii: " ") || utf8.last == UInt8(ascii: " ")
        return needs ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// One exported occurrence: every column, nulls included, `id` as a number.
    struct Row: Encodable {
        var values: [String?]
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in zip(Export.columns, values) {
                if k == "id", let v, let id = Int64(v) {
                    try c.encode(id, forKey: Key(stringValue: k))
                } else {
                    try c.encode(v, forKey: Key(stringValue: k))
                }
            }
        }
    }
}
