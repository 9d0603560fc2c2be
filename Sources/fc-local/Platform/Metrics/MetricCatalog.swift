/// Which dimensions a metric is kept under: FC's region, service and function levels (CONTRACT §5).
enum MetricLevel: String, Sendable, CaseIterable {
    case region, service, function

    /// The dimension keys a query of this level must give, in the order datapoints carry them.
    var requiredDimensionKeys: [String] {
        switch self {
        case .region: ["region"]
        case .service: ["region", "serviceName"]
        case .function: ["region", "serviceName", "functionName"]
        }
    }
}

/// A statistic a datapoint carries next to its `value`, named as CloudMonitor names them.
enum MetricStatistic: String, Sendable, CaseIterable {
    case sum = "Sum"
    case average = "Average"
    case maximum = "Maximum"
    case minimum = "Minimum"
}

/// Where a metric's numbers come from and how one period's records make one datapoint.
enum MetricSource: Sendable {
    /// Σ of a per-invocation number (1/0 for counts, MB×ms for the cost); a datapoint whenever the period has invocations.
    case invocationSum(@Sendable (InvocationRecord) -> Double)
    /// The percentage of the period's invocations that match (count / TotalInvocations × 100).
    case invocationPercent(@Sendable (InvocationRecord) -> Bool)
    /// A per-invocation sample (nil when the record has none); a datapoint only when the period has a sample.
    case invocationSample(@Sendable (InvocationRecord) -> Double?)
    /// A sample of each `FCInstanceMetrics` record.
    case instanceSample(@Sendable (InstanceMetricsRecord) -> Double)
    /// Σ over the period's `FCInstanceMetrics` records (their per-record byte counts).
    case instanceSum(@Sendable (InstanceMetricsRecord) -> Double)

    /// Whether the metric is computed from instance records (which may also be filtered by `instanceId`).
    var isInstanceMetric: Bool {
        switch self {
        case .instanceSample, .instanceSum: true
        case .invocationSum, .invocationPercent, .invocationSample: false
        }
    }
}

/// One metric the query API knows: its FC name, level, unit, statistics and source.
struct MetricDefinition: Sendable {
    let name: String
    let level: MetricLevel
    let unit: String
    let summary: String
    let source: MetricSource
    /// The statistics each datapoint carries.
    let statistics: [MetricStatistic]
    /// The statistic that is also the datapoint's `value`.
    let mainStatistic: MetricStatistic
}

/// Every metric of `GET /metrics/query`: FC's names of the seed manual (CONTRACT §5) and this project's names for the
/// `FCInstanceMetrics` figures.
enum MetricCatalog {
    /// The metrics by name.
    static let byName: [String: MetricDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The metric named `name` (exact, case-sensitive as FC's names are).
    static func metric(named name: String) -> MetricDefinition? { byName[name] }

    /// Every metric: the counts and rates at each level, then the function-only ones, then the instance figures.
    static let all: [MetricDefinition] = {
        var metrics: [MetricDefinition] = []
        for level in MetricLevel.allCases {
            let prefix = level.rawValue.prefix(1).uppercased() + level.rawValue.dropFirst()
            for count in counts {
                metrics.append(
                    MetricDefinition(
                        name: prefix + count.name, level: level, unit: "Count", summary: count.summary,
                        source: .invocationSum { count.matches($0) ? 1 : 0 }, statistics: [.sum], mainStatistic: .sum))
                guard count.hasRate else { continue }
                metrics.append(
                    MetricDefinition(
                        name: prefix + count.name + "Rate", level: level, unit: "%",
                        summary: "\(count.summary) as a percentage of all invocations of the period",
                        source: .invocationPercent(count.matches), statistics: [.average], mainStatistic: .average))
            }
        }
        return metrics + functionMetrics + instanceMetrics
    }()

    /// A count of invocations by outcome (the decisions of the issue: Total = every record, Billable = `isBillable`).
    private struct Count: Sendable {
        let name: String
        let summary: String
        let hasRate: Bool
        let matches: @Sendable (InvocationRecord) -> Bool
    }

    private static let counts: [Count] = [
        Count(name: "TotalInvocations", summary: "invocations", hasRate: false) { _ in true },
        Count(name: "BillableInvocations", summary: "billable invocations (the function ran)", hasRate: true) { $0.outcome.isBillable },
        Count(name: "Throttles", summary: "invocations refused with 429 (every instance busy)", hasRate: true) { $0.outcome == .throttled },
        Count(name: "ClientErrors", summary: "invocations refused as invalid (4xx)", hasRate: true) { $0.outcome == .clientError },
        Count(name: "ServerErrors", summary: "invocations the platform failed (5xx)", hasRate: true) { $0.outcome == .serverError },
        Count(name: "FunctionErrors", summary: "invocations the function failed (errors, timeouts)", hasRate: true) {
            $0.outcome == .functionError
        },
    ]

    private static let spread: [MetricStatistic] = [.average, .maximum, .minimum]

    private static let functionMetrics: [MetricDefinition] = [
        MetricDefinition(
            name: "FunctionAvgDuration", level: .function, unit: "Milliseconds", summary: "the function's duration (FCInsights durationMs)",
            source: .invocationSample { $0.durationMs }, statistics: spread, mainStatistic: .average),
        MetricDefinition(
            name: "FunctionLatencyAvg", level: .function, unit: "Milliseconds", summary: "request received → answer sent, on the platform",
            source: .invocationSample { $0.latencyMs }, statistics: spread, mainStatistic: .average),
        MetricDefinition(
            name: "FunctionLatencyMax", level: .function, unit: "Milliseconds", summary: "request received → answer sent, on the platform",
            source: .invocationSample { $0.latencyMs }, statistics: spread, mainStatistic: .maximum),
        MetricDefinition(
            name: "FunctionMaxMemoryUsage", level: .function, unit: "MB", summary: "memory the function used (FCInsights memoryUsageMB)",
            source: .invocationSample { $0.memoryUsageMB }, statistics: spread, mainStatistic: .maximum),
        MetricDefinition(
            name: "FunctionConcurrentRequests", level: .function, unit: "Count", summary: "invocations in flight when one started",
            source: .invocationSample { Double($0.concurrency) }, statistics: spread, mainStatistic: .maximum),
        MetricDefinition(
            name: "FunctionCost", level: .function, unit: "MB×ms", summary: "memoryMB × ceil(durationMs) of billable invocations",
            source: .invocationSum(cost), statistics: [.sum], mainStatistic: .sum),
    ]

    /// What one invocation costs in MB×ms: FC bills the configured memory for the duration rounded up to 1 ms.
    static func cost(of invocation: InvocationRecord) -> Double {
        guard invocation.outcome.isBillable, let duration = invocation.durationMs, duration.isFinite, duration > 0 else { return 0 }
        return Double(invocation.memoryMB) * duration.rounded(.up)
    }

    /// The `FCInstanceMetrics` figures (function level, optionally one instance with the `instanceId` dimension).
    /// Gauges report the maximum as `value`, as FC's function-level instance charts show the busiest instance.
    private static let instanceMetrics: [MetricDefinition] = [
        MetricDefinition(
            name: "FunctionInstanceCPUPercent", level: .function, unit: "%", summary: "CPU used (cores × 100, may exceed 100)",
            source: .instanceSample { $0.cpuPercent }, statistics: spread, mainStatistic: .maximum),
        MetricDefinition(
            name: "FunctionInstanceCPUQuotaPercent", level: .function, unit: "%", summary: "CPU the instance may use (cores × 100)",
            source: .instanceSample { $0.cpuQuotaPercent }, statistics: spread, mainStatistic: .maximum),
        MetricDefinition(
            name: "FunctionInstanceMemoryUsageMB", level: .function, unit: "MB", summary: "memory the instance used",
            source: .instanceSample { $0.memoryUsageMB }, statistics: spread, mainStatistic: .maximum),
        MetricDefinition(
            name: "FunctionInstanceMemoryLimitMB", level: .function, unit: "MB", summary: "memory the instance may use",
            source: .instanceSample { $0.memoryLimitMB }, statistics: spread, mainStatistic: .maximum),
        MetricDefinition(
            name: "FunctionInstanceMemoryUsagePercent", level: .function, unit: "%", summary: "memory used / limit × 100",
            source: .instanceSample { $0.memoryUsagePercent }, statistics: spread, mainStatistic: .maximum),
        MetricDefinition(
            name: "FunctionInstanceRxBytes", level: .function, unit: "Bytes", summary: "bytes the instances received",
            source: .instanceSum { Double($0.rxBytes) }, statistics: [.sum], mainStatistic: .sum),
        MetricDefinition(
            name: "FunctionInstanceTxBytes", level: .function, unit: "Bytes", summary: "bytes the instances sent",
            source: .instanceSum { Double($0.txBytes) }, statistics: [.sum], mainStatistic: .sum),
        MetricDefinition(
            name: "FunctionInstanceConcurrentRequests", level: .function, unit: "Count", summary: "requests an instance was handling",
            source: .instanceSample { Double($0.concurrentRequests) }, statistics: spread, mainStatistic: .maximum),
    ]
}
