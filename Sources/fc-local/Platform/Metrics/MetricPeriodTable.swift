import Foundation

/// The table `fc-local metrics` prints: one row per period of a function, a column per function-level metric,
/// computed by the same aggregator as the query API.
struct MetricPeriodTable {
    /// A column: its header, the metric it shows and how a value is written.
    private struct Column {
        let header: String
        let metric: String
        let format: @Sendable (Double) -> String
    }

    private static let columns: [Column] = [
        Column(header: "INVOCATIONS", metric: "FunctionTotalInvocations", format: whole),
        Column(header: "BILLABLE", metric: "FunctionBillableInvocations", format: whole),
        Column(header: "FN ERRORS", metric: "FunctionFunctionErrors", format: whole),
        Column(header: "THROTTLES", metric: "FunctionThrottles", format: whole),
        Column(header: "CLIENT ERR", metric: "FunctionClientErrors", format: whole),
        Column(header: "SERVER ERR", metric: "FunctionServerErrors", format: whole),
        Column(header: "AVG DURATION", metric: "FunctionAvgDuration", format: { decimal($0) + " ms" }),
        Column(header: "MAX LATENCY", metric: "FunctionLatencyMax", format: { decimal($0) + " ms" }),
        Column(header: "MAX MEMORY", metric: "FunctionMaxMemoryUsage", format: { decimal($0) + " MB" }),
        Column(header: "CONCURRENCY", metric: "FunctionConcurrentRequests", format: whole),
        Column(header: "COST MB×ms", metric: "FunctionCost", format: whole),
        Column(header: "MAX CPU", metric: "FunctionInstanceCPUPercent", format: { decimal($0) + " %" }),
    ]

    let key: FunctionKey
    let region: String
    let window: MetricWindow
    let invocations: [InvocationRecord]
    let instances: [InstanceMetricsRecord]
    var timeZone: TimeZone = .current

    /// The cells of each period with data, oldest first (the first cell is the period's local start).
    var rows: [[String]] {
        let dimensions = MetricDimensions(region: region, serviceName: key.service, functionName: key.function)
        let values: [[Int64: Double]] = Self.columns.map { column in
            let metric = MetricCatalog.metric(named: column.metric)!
            let points = MetricAggregator.datapoints(
                of: metric, dimensions: dimensions, window: window, platformRegion: region, invocations: invocations, instances: instances)
            return Dictionary(uniqueKeysWithValues: points.map { ($0.timestamp, $0.value) })
        }
        let periods = Set(values.flatMap(\.keys)).sorted()
        return periods.map { period in
            [MetricTime.formatMinute(period, timeZone: timeZone)]
                + zip(Self.columns, values).map { column, byPeriod in byPeriod[period].map(column.format) ?? "-" }
        }
    }

    /// The heading, then the table with right-aligned numbers, or one line saying there is nothing to show.
    func render(stateDatabase: String) -> String {
        let span = "\(MetricTime.formatMinute(window.start, timeZone: timeZone)) – \(MetricTime.formatMinute(window.end, timeZone: timeZone))"
        let rows = self.rows
        guard !rows.isEmpty else {
            return "No invocations or instance metrics of \(key) in \(region) from \(span) (local time) in \(stateDatabase).\n"
        }
        let table = [["PERIOD"] + Self.columns.map(\.header)] + rows
        let widths = table[0].indices.map { index in table.map { $0[index].count }.max() ?? 0 }
        let lines = table.map { cells in
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        let heading = "\(key) in \(region), \(window.periodSeconds)-s periods from \(span) (local time)"
        return ([heading] + lines).joined(separator: "\n") + "\n"
    }

    private static func whole(_ value: Double) -> String { String(Int64(value.rounded())) }
    private static func decimal(_ value: Double) -> String { String(format: "%.2f", value) }
}
