// libFuzzer target: the plan reader (Yams' parser and composer, then TrustPlan's validation and
// its diagnostics with their excerpts). Built by Tests/Fuzz/run with `swiftc -sanitize=fuzzer`
// over Yams', TrustCore's and TrustPlan's sources. The time zone and "now" are fixed, so a
// crash reproduces from its input alone.
import Foundation
import TrustPlan

private let zone = TimeZone(identifier: "UTC")!
private let now = Date(timeIntervalSince1970: 1_780_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlan(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // What PlanReader.load does with the file's bytes: text only if it is UTF-8.
    guard let text = String(data: Data(bytes: data, count: size), encoding: .utf8) else { return 0 }
    let result = PlanReader.parse(yaml: text, file: "plan.yaml", defaultTimeZone: zone, now: now, upcoming: 3)
    let lines = Diagnostic.lines(of: text)
    for d in result.diagnostics { _ = d.rendered(lines: lines) }
    if let plan = result.plan { _ = plan.items.count }
    return 0
}
