import Testing

@testable import fc_local

/// The metric arithmetic on the known records of `MetricsFixture`: every metric at each level, the rates, the cost,
/// and which periods the window (start, end] answers.
struct MetricsAggregationTests {
    /// 2024-07-19 08:00:00 UTC, a multiple of 120 s.
    static let base: Int64 = 1_721_376_000_000
    static let p1 = base, p2 = base + 60_000
    /// (base-1, base+60 s]: P1 and P2.
    static let window = MetricWindow(start: base - 1, end: base + 60_000, periodSeconds: 60)

    static let function = MetricDimensions(region: MetricsFixture.region, serviceName: "s", functionName: "a")
    static let service = MetricDimensions(region: MetricsFixture.region, serviceName: "s")
    static let region = MetricDimensions(region: MetricsFixture.region)

    func points(_ name: String, _ dimensions: MetricDimensions, window: MetricWindow = window) -> [MetricDatapoint] {
        guard let metric = MetricCatalog.metric(named: name) else {
            Issue.record("no metric \(name)")
            return []
        }
        return MetricAggregator.datapoints(
            of: metric, dimensions: dimensions, window: window, platformRegion: MetricsFixture.region,
            invocations: MetricsFixture.invocations(base: Self.base), instances: MetricsFixture.instances(base: Self.base))
    }

    /// timestamp → value.
    func values(_ name: String, _ dimensions: MetricDimensions, window: MetricWindow = window) -> [Int64: Double] {
        Dictionary(uniqueKeysWithValues: points(name, dimensions, window: window).map { ($0.timestamp, $0.value) })
    }

    func expectClose(_ actual: Double?, _ expected: Double, _ what: String) {
        guard let actual else {
            Issue.record("\(what): no datapoint, expected \(expected)")
            return
        }
        #expect(abs(actual - expected) < 1e-9, "\(what): \(actual) ≠ \(expected)")
    }

    @Test(arguments: [
        ("FunctionTotalInvocations", 4.0, 2.0), ("FunctionBillableInvocations", 2, 2), ("FunctionThrottles", 1, 0),
        ("FunctionClientErrors", 1, 0), ("FunctionServerErrors", 0, 0), ("FunctionFunctionErrors", 1, 0),
        ("FunctionBillableInvocationsRate", 50, 100), ("FunctionThrottlesRate", 25, 0), ("FunctionClientErrorsRate", 25, 0),
        ("FunctionServerErrorsRate", 0, 0), ("FunctionFunctionErrorsRate", 25, 0),
        ("FunctionAvgDuration", 30.25, 70.25), ("FunctionLatencyAvg", 20.75, 80), ("FunctionLatencyMax", 50, 90),
        ("FunctionMaxMemoryUsage", 20, 30), ("FunctionConcurrentRequests", 3, 2),
        // 128 MB × (20 + ceil(40.5)) ms, and 128 × (60 + ceil(80.5)); the throttled and client-error calls cost nothing.
        ("FunctionCost", 7808, 18048),
    ] as [(String, Double, Double)])
    func functionLevel(metric: String, inP1: Double, inP2: Double) {
        let values = values(metric, Self.function)
        #expect(values.keys.sorted() == [Self.p1, Self.p2], "\(metric) periods")
        expectClose(values[Self.p1], inP1, "\(metric) P1")
        expectClose(values[Self.p2], inP2, "\(metric) P2")
    }

    @Test(arguments: [
        ("ServiceTotalInvocations", 5.0, 3.0), ("ServiceBillableInvocations", 3, 2), ("ServiceThrottles", 1, 0),
        ("ServiceClientErrors", 1, 0), ("ServiceServerErrors", 0, 1), ("ServiceFunctionErrors", 1, 0),
        ("ServiceBillableInvocationsRate", 60, 200.0 / 3), ("ServiceThrottlesRate", 20, 0), ("ServiceServerErrorsRate", 0, 100.0 / 3),
        ("ServiceFunctionErrorsRate", 20, 0), ("ServiceClientErrorsRate", 20, 0),
    ] as [(String, Double, Double)])
    func serviceLevel(metric: String, inP1: Double, inP2: Double) {
        let values = values(metric, Self.service)
        expectClose(values[Self.p1], inP1, "\(metric) P1")
        expectClose(values[Self.p2], inP2, "\(metric) P2")
    }

    /// The cn-shanghai record is not counted in cn-hangzhou; service t counts.
    @Test(arguments: [
        ("RegionTotalInvocations", 6.0, 3.0), ("RegionBillableInvocations", 3, 2), ("RegionThrottles", 1, 0),
        ("RegionClientErrors", 1, 0), ("RegionServerErrors", 1, 1), ("RegionFunctionErrors", 1, 0),
        ("RegionServerErrorsRate", 100.0 / 6, 100.0 / 3), ("RegionBillableInvocationsRate", 50, 200.0 / 3),
        ("RegionThrottlesRate", 100.0 / 6, 0), ("RegionClientErrorsRate", 100.0 / 6, 0), ("RegionFunctionErrorsRate", 100.0 / 6, 0),
    ] as [(String, Double, Double)])
    func regionLevel(metric: String, inP1: Double, inP2: Double) {
        let values = values(metric, Self.region)
        expectClose(values[Self.p1], inP1, "\(metric) P1")
        expectClose(values[Self.p2], inP2, "\(metric) P2")
    }

    @Test func anotherRegionHasOnlyItsOwnRecords() {
        #expect(values("RegionTotalInvocations", MetricDimensions(region: "cn-shanghai")) == [Self.p1: 1])
        #expect(values("FunctionAvgDuration", MetricDimensions(region: "cn-shanghai", serviceName: "s", functionName: "a")) == [Self.p1: 999])
        #expect(points("FunctionInstanceCPUPercent", MetricDimensions(region: "cn-shanghai", serviceName: "s", functionName: "a")).isEmpty)
    }

    @Test func statisticsAndDimensionsOfDatapoints() throws {
        let latency = try #require(points("FunctionLatencyMax", Self.function).first)
        #expect(latency.timestamp == Self.p1)
        #expect(latency.dimensions == Self.function)
        #expect(latency.statistics == [.average: 20.75, .maximum: 50, .minimum: 1])
        let duration = try #require(points("FunctionAvgDuration", Self.function).first)
        #expect(duration.value == 30.25 && duration.statistics == [.average: 30.25, .maximum: 40.5, .minimum: 20])
        let count = try #require(points("ServiceTotalInvocations", MetricDimensions(region: MetricsFixture.region, serviceName: "s")).first)
        #expect(count.statistics == [.sum: 5])
        #expect(count.dimensions == Self.service)
        let rate = try #require(points("RegionThrottlesRate", Self.region).first)
        #expect(rate.dimensions == Self.region && rate.statistics.keys.sorted { $0.rawValue < $1.rawValue } == [.average])
    }

    @Test func periodsWithoutSamplesHaveNoDatapoint() {
        let serverErrorOnly = MetricDimensions(region: MetricsFixture.region, serviceName: "t", functionName: "c")
        #expect(values("FunctionTotalInvocations", serverErrorOnly) == [Self.p1: 1])
        #expect(values("FunctionCost", serverErrorOnly) == [Self.p1: 0])
        #expect(values("FunctionAvgDuration", serverErrorOnly).isEmpty)
        #expect(values("FunctionMaxMemoryUsage", serverErrorOnly).isEmpty)
        #expect(values("FunctionLatencyMax", serverErrorOnly) == [Self.p1: 100])
        // s/b's P2 call failed on the platform: no duration in P2.
        #expect(values("FunctionAvgDuration", MetricDimensions(region: MetricsFixture.region, serviceName: "s", functionName: "b")) == [Self.p1: 5.5])
    }

    @Test func windowAnswersPeriodsWhoseStartIsInStartExclusiveEndInclusive() {
        // Start = P1's first millisecond: P1 is not answered; the record at base+120 s is (its period starts at end).
        let later = MetricWindow(start: Self.base, end: Self.base + 120_000, periodSeconds: 60)
        #expect(values("FunctionTotalInvocations", Self.function, window: later) == [Self.p2: 2, Self.base + 120_000: 1])
        // End one millisecond before P2 starts: only P1, though P1's records run to its last millisecond.
        let first = MetricWindow(start: Self.base - 1, end: Self.base + 59_999, periodSeconds: 60)
        #expect(values("ServiceTotalInvocations", Self.service, window: first) == [Self.p1: 5])
        // The record at base-1 is in the period starting base-60 s, answered only if that start is in the window.
        let before = MetricWindow(start: Self.base - 60_001, end: Self.base - 60_000, periodSeconds: 60)
        #expect(values("FunctionTotalInvocations", Self.function, window: before) == [Self.base - 60_000: 1])
        let none = MetricWindow(start: Self.base - 60_000, end: Self.base - 1, periodSeconds: 60)
        #expect(none.recordRange == nil)
        #expect(values("FunctionTotalInvocations", Self.function, window: none).isEmpty)
    }

    @Test func recordRangeCoversEveryMillisecondOfTheAnsweredPeriods() {
        #expect(Self.window.recordRange == Self.base...(Self.base + 119_999))
        #expect(MetricWindow(start: Self.base + 1, end: Self.base + 60_001, periodSeconds: 60).recordRange == (Self.base + 60_000)...(Self.base + 119_999))
    }

    @Test func longerPeriodsMergeRecords() {
        let window = MetricWindow(start: Self.base - 1, end: Self.base + 120_000, periodSeconds: 120)
        #expect(values("FunctionTotalInvocations", Self.function, window: window) == [Self.base: 6, Self.base + 120_000: 1])
        #expect(values("FunctionCost", Self.function, window: window)[Self.base] == Double(7808 + 18048))
        expectClose(values("FunctionThrottlesRate", Self.function, window: window)[Self.base], 100.0 / 6, "rate over 120 s")
    }

    @Test func instanceMetrics() throws {
        let cpu = points("FunctionInstanceCPUPercent", Self.function)
        #expect(cpu.map(\.timestamp) == [Self.p1, Self.p2])
        #expect(cpu.first?.value == 150 && cpu.first?.statistics == [.average: 100, .maximum: 150, .minimum: 50])
        #expect(cpu.last?.value == 10)
        #expect(values("FunctionInstanceMemoryUsageMB", Self.function) == [Self.p1: 64, Self.p2: 16])
        #expect(values("FunctionInstanceMemoryUsagePercent", Self.function) == [Self.p1: 50, Self.p2: 12.5])
        #expect(values("FunctionInstanceRxBytes", Self.function) == [Self.p1: 4000, Self.p2: 500])
        #expect(values("FunctionInstanceTxBytes", Self.function) == [Self.p1: 600, Self.p2: 50])
        #expect(values("FunctionInstanceConcurrentRequests", Self.function) == [Self.p1: 3, Self.p2: 1])
        #expect(values("FunctionInstanceCPUQuotaPercent", Self.function)[Self.p1] == 8.33)
        var one = Self.function
        one.instanceID = "i1"
        let first = try #require(points("FunctionInstanceCPUPercent", one).first)
        #expect(first.value == 50 && first.dimensions.instanceID == "i1")
        #expect(values("FunctionInstanceRxBytes", one) == [Self.p1: 1000, Self.p2: 500])
        #expect(points("FunctionInstanceCPUPercent", MetricDimensions(region: MetricsFixture.region, serviceName: "s", functionName: "b")).isEmpty)
    }

    @Test func catalogHasTheManualsNamesAtEachLevel() {
        for level in ["Region", "Service", "Function"] {
            for name in ["TotalInvocations", "BillableInvocations", "Throttles", "ClientErrors", "ServerErrors", "FunctionErrors"] {
                #expect(MetricCatalog.metric(named: level + name) != nil, "\(level + name)")
                if name != "TotalInvocations" { #expect(MetricCatalog.metric(named: level + name + "Rate") != nil, "\(level + name)Rate") }
            }
        }
        for name in ["FunctionAvgDuration", "FunctionLatencyAvg", "FunctionLatencyMax", "FunctionMaxMemoryUsage", "FunctionConcurrentRequests", "FunctionCost"] {
            #expect(MetricCatalog.metric(named: name)?.level == .function, "\(name)")
        }
        #expect(MetricCatalog.all.count == MetricCatalog.byName.count)
    }
}
