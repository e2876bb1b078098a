import Foundation
import Testing
import TrustCore
import TrustReport
import TrustTestSupport

@Suite struct TerminalReportTests {
    @Test func sampleRendersEveryItem() {
        let text = TerminalReport.render(Sample.report, meta: Sample.meta, style: TerminalStyle(color: false, width: 80))
        Sample.keep("report.txt", text)
        Sample.keep(
            "report-color.txt",
            TerminalReport.render(Sample.report, meta: Sample.meta, style: TerminalStyle(color: true, width: 80)))
        #expect(text.contains("Call every evening when I'm away (call-evening)"))
        #expect(text.contains("old-promise — not in the plan"))
        #expect(text.contains("Write in the shared journal (journal)\n  No check-ins recorded yet."))
        #expect(!text.contains("\u{1B}["))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }
}
