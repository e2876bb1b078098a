import Foundation
import Testing
import TrustCore
import TrustReport
import TrustTestSupport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Collects, per `data-item` section, the text of every element with a `data-field` attribute.
final class FieldCollector: NSObject, XMLParserDelegate {
    var items: [String: [String: String]] = [:]
    var page: [String: String] = [:]
    var itemOrder: [String] = []
    private var currentItem: String?
    private var currentField: String?
    private var buffer = ""
    var elements = 0
    var externalReferences: [String] = []

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements += 1
        if let item = attributes["data-item"] {
            currentItem = item
            itemOrder.append(item)
            items[item] = [:]
        }
        if let field = attributes["data-field"] {
            currentField = field
            buffer = ""
        }
        for key in ["src", "href", "xlink:href"] { if let v = attributes[key] { externalReferences.append(v) } }
        if name == "link" || name == "script" || name == "img" || name == "iframe" { externalReferences.append(name) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if currentField != nil { buffer += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if let field = currentField {
            if let item = currentItem { items[item]![field] = buffer } else { page[field] = buffer }
            currentField = nil
        }
        if name == "section" { currentItem = nil }
    }
}

@Suite struct HTMLReportTests {
    func parse(_ html: String) throws -> FieldCollector {
        let parser = XMLParser(data: Data(html.utf8))
        let collector = FieldCollector()
        parser.delegate = collector
        let ok = parser.parse()
        #expect(ok, "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)")
        try #require(ok)
        return collector
    }

    @Test func wellFormedSelfContainedAndNumbersMatchJSON() throws {
        let report = Sample.report
        let html = HTMLReport.render(report, meta: Sample.meta)
        Sample.keep("report.html", html)
        let page = try parse(html)
        #expect(page.externalReferences.isEmpty)
        #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/", with: "").contains("http://"))
        #expect(!html.contains("https://"))
        #expect(!html.contains("url("))

        let json = try JSONSerialization.jsonObject(with: ReportJSON.render(report, meta: Sample.meta)) as! [String: Any]
        let items = json["items"] as! [[String: Any]]
        #expect(page.itemOrder == items.map { $0["id"] as! String })
        for item in items {
            let id = item["id"] as! String
            let fields = try #require(page.items[id])
            guard item["has_data"] as! Bool else {
                #expect(fields["streak"] == nil)
                continue
            }
            #expect(fields["streak"] == "\(item["streak"] as! Int)")
            #expect(fields["best_streak"] == "\(item["best_streak"] as! Int)")
            #expect(fields["skips_left"] == "\(item["skips_left"] as! Int)")
            #expect(fields["strength"] == "\(Format.percent(item["strength"] as! Double))")
            for key in ["rate_7d", "rate_30d", "rate_90d"] {
                let want = (item[key] as? Double).map { "\(Format.percent($0))" } ?? "–"
                #expect(fields[key] == want, "\(id) \(key)")
            }
            if let period = item["this_period"] as? [String: Any] {
                #expect(fields["period_kept"] == "\(period["kept"] as! Int)")
                #expect(fields["period_target"] == "\(period["target"] as! Int)")
            }
        }
        let summary = json["summary"] as! [String: [String: Any]]
        #expect(page.page["week-kept"] == "\(summary["week"]!["kept"] as! Int)")
        #expect(page.page["month-asked"] == "\(summary["month"]!["asked"] as! Int)")
        #expect(page.page["month-percent"] == "\(Format.percent(summary["month"]!["rate"] as! Double))")
    }

    @Test func userTextIsEscaped() throws {
        var ledger = LedgerBuilder()
        ledger.pattern("x", from: Sample.today, "K")
        let plan = Plan(
            timeZone: Sample.zone,
            items: [
                Item(
                    id: "x", kind: .commitment, title: "Be <kind> & \"honest\" ]]>", to: "A & B", why: "</section>",
                    schedule: [])
            ])
        let report = Report(plan: plan, records: ledger.records, today: Sample.today, now: Sample.now)
        let html = HTMLReport.render(report, meta: ReportMeta(generatedAt: Sample.now, timeZone: Sample.zone, planStatus: .invalid("line 3: <oops>")))
        let page = try parse(html)
        #expect(page.itemOrder == ["x"])
        #expect(html.contains("Be &lt;kind&gt; &amp; \"honest\" ]]&gt;"))
    }

    @Test func emptyReportIsWellFormed() throws {
        let report = Report(plan: nil, records: [], today: Sample.today, now: Sample.now)
        let page = try parse(HTMLReport.render(report, meta: Sample.meta))
        #expect(page.itemOrder.isEmpty)
    }
}
