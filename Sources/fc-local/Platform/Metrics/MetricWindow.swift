/// A query's time window (start, end] in epoch milliseconds, cut into periods aligned on multiples of the period.
struct MetricWindow: Sendable, Equatable {
    /// The longest window a query may span (CloudMonitor keeps 31 days).
    static let maximumMilliseconds: Int64 = 31 * 24 * 3600 * 1000

    /// Excluded.
    let start: Int64
    /// Included.
    let end: Int64
    let periodSeconds: Int

    var periodMilliseconds: Int64 { Int64(periodSeconds) * 1000 }

    /// The period a moment falls in, as the period's first millisecond.
    func periodStart(of timestamp: Int64) -> Int64 {
        let period = periodMilliseconds
        let remainder = timestamp % period
        return timestamp - (remainder < 0 ? remainder + period : remainder)
    }

    /// Whether a period (given by its start, the datapoint's timestamp) is answered: its start is in (start, end].
    func includes(periodStart: Int64) -> Bool { periodStart > start && periodStart <= end }

    /// The records to read: every millisecond of the answered periods (nil when no period starts in the window).
    var recordRange: ClosedRange<Int64>? {
        let first = periodStart(of: start) + periodMilliseconds
        let last = periodStart(of: end)
        guard first <= last else { return nil }
        return first...(last + periodMilliseconds - 1)
    }
}
