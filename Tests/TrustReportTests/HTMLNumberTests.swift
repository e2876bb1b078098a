import Foundation
import Testing

@testable import TrustReport

/// The page's numbers (`HTMLReport.fmt`), written from whole tenths, are exactly what Double's own
/// description of the value rounded to one decimal gave (the page before issue 15's change).
@Suite struct HTMLNumberTests {
    static func described(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    @Test(arguments: [
        0, -0.0, 0.04, 0.05, 0.06, -0.04, -0.05, -0.06, 0.5, -0.5, 1, 1.25, 1.35, 12.3, -12.3, 99.95, 100, 1234.56,
        -1234.56, 2.4000000000000004, 0.30000000000000004, 1e6 + 0.1,
    ])
    func sameAsTheDescription(_ v: Double) {
        #expect(HTMLReport.fmt(v) == Self.described(v))
    }

    /// Every tenth from -1,000 to 1,000, and values between them.
    @Test func sameOverARange() {
        var mismatches: [Double] = []
        for i in -20_000...20_000 {
            let v = Double(i) / 20 + (i % 3 == 0 ? 0.013 : 0)
            if HTMLReport.fmt(v) != Self.described(v) { mismatches.append(v) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }
}
