/// One period of a metric: the period's start, the dimensions, the main statistic as `value` and every statistic.
struct MetricDatapoint: Sendable, Equatable {
    /// The period's first millisecond (epoch milliseconds).
    let timestamp: Int64
    let dimensions: MetricDimensions
    let value: Double
    let statistics: [MetricStatistic: Double]
}

/// Records → periods → datapoints: pure arithmetic on the records the store returned, so it is tested on known sets.
enum MetricAggregator {
    /// The datapoints of `metric` for `dimensions` in `window`, oldest first, only for periods with data.
    /// `platformRegion` is the region of the instance records (they carry none).
    static func datapoints(
        of metric: MetricDefinition, dimensions: MetricDimensions, window: MetricWindow, platformRegion: String,
        invocations: [InvocationRecord], instances: [InstanceMetricsRecord]
    ) -> [MetricDatapoint] {
        let datapointDimensions = Self.datapointDimensions(of: metric, dimensions)
        func point(_ timestamp: Int64, _ statistics: [MetricStatistic: Double]) -> MetricDatapoint {
            MetricDatapoint(
                timestamp: timestamp, dimensions: datapointDimensions, value: statistics[metric.mainStatistic] ?? 0,
                statistics: statistics.filter { metric.statistics.contains($0.key) })
        }
        switch metric.source {
        case .invocationSum(let number):
            return periods(of: invocations.filter { matches($0, dimensions) }, window: window, time: \.startedAt).map { start, records in
                point(start, [.sum: records.reduce(0) { $0 + number($1) }])
            }
        case .invocationPercent(let predicate):
            return periods(of: invocations.filter { matches($0, dimensions) }, window: window, time: \.startedAt).map { start, records in
                point(start, [.average: Double(records.filter(predicate).count) / Double(records.count) * 100])
            }
        case .invocationSample(let sample):
            return periods(of: invocations.filter { matches($0, dimensions) }, window: window, time: \.startedAt).compactMap { start, records in
                statistics(of: records.compactMap(sample)).map { point(start, $0) }
            }
        case .instanceSample(let sample):
            guard dimensions.region == platformRegion else { return [] }
            return periods(of: instances.filter { matches($0, dimensions) }, window: window, time: \.timestamp).compactMap { start, records in
                statistics(of: records.map(sample)).map { point(start, $0) }
            }
        case .instanceSum(let number):
            guard dimensions.region == platformRegion else { return [] }
            return periods(of: instances.filter { matches($0, dimensions) }, window: window, time: \.timestamp).map { start, records in
                point(start, [.sum: records.reduce(0) { $0 + number($1) }])
            }
        }
    }

    /// The dimensions a datapoint carries: those of the metric's level (and the instance when one was asked for).
    private static func datapointDimensions(of metric: MetricDefinition, _ dimensions: MetricDimensions) -> MetricDimensions {
        MetricDimensions(
            region: dimensions.region,
            serviceName: metric.level == .region ? nil : dimensions.serviceName,
            functionName: metric.level == .function ? dimensions.functionName : nil,
            instanceID: metric.source.isInstanceMetric ? dimensions.instanceID : nil)
    }

    /// The records grouped by period, only periods answered by the window, oldest first.
    static func periods<Record>(of records: [Record], window: MetricWindow, time: (Record) -> Int64) -> [(Int64, [Record])] {
        var byPeriod: [Int64: [Record]] = [:]
        for record in records {
            let start = window.periodStart(of: time(record))
            guard window.includes(periodStart: start) else { continue }
            byPeriod[start, default: []].append(record)
        }
        return byPeriod.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Average, maximum, minimum and sum of samples (nil without any); non-finite samples are left out.
    static func statistics(of samples: [Double]) -> [MetricStatistic: Double]? {
        let samples = samples.filter(\.isFinite)
        guard let maximum = samples.max(), let minimum = samples.min() else { return nil }
        let sum = samples.reduce(0, +)
        return [.sum: sum, .average: sum / Double(samples.count), .maximum: maximum, .minimum: minimum]
    }

    private static func matches(_ record: InvocationRecord, _ dimensions: MetricDimensions) -> Bool {
        record.region == dimensions.region && matches(record.service, dimensions.serviceName)
            && matches(record.function, dimensions.functionName)
    }

    private static func matches(_ record: InstanceMetricsRecord, _ dimensions: MetricDimensions) -> Bool {
        matches(record.service, dimensions.serviceName) && matches(record.function, dimensions.functionName)
            && matches(record.instanceID, dimensions.instanceID)
    }

    /// A dimension not asked for matches everything.
    private static func matches(_ value: String, _ wanted: String?) -> Bool { wanted == nil || wanted == value }
}
