// RFC 4180 CSV as Loop writes it (opencsv's CSVWriter: quotes only where needed, `""` inside
// quotes, quoted fields may span lines). Small and here rather than a CSV package because every
// error must name the line a record starts on, which the available CSV libraries do not report.
import Foundation

struct CSVRecord {
    var line: Int
    var fields: [String]
}

enum CSVRows {
    static func parse(_ text: String, file: String) throws(ImportError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldStarted = false
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(CSVRecord(line: recordLine, fields: fields)) }
            fields = []
            field = ""
            fieldStarted = false
        }
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"" where !fieldStarted:
                    inQuotes = true
                    fieldStarted = true
                case ",":
                    fields.append(field)
                    field = ""
                    fieldStarted = false
                case "\r":
                    break
                case "\n":
                    endRecord()
                    line += 1
                    recordLine = line
                default:
                    fieldStarted = true
                    field.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        if inQuotes { throw ImportError(file: file, line: recordLine, "a quoted field is not closed (the file is cut short?)") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
