import Dispatch

extension Duration {
    /// This duration for Dispatch deadlines and timers (`.now() + delay.dispatchInterval`), in
    /// whole nanoseconds; `.never` when that does not fit in an `Int`.
    public var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (nanoseconds, carry) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow || carry ? .never : .nanoseconds(Int(nanoseconds))
    }
}
