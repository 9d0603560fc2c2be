import Foundation
import Testing

@testable import fc_local

/// The parameters of `GET /metrics/query`: both time formats, the defaults, and a clear 400 for each mistake.
struct MetricsQueryParsingTests {
    static let now: Int64 = 1_721_379_600_000
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let functionDimensions = #"{"region":"cn-hangzhou","serviceName":"s","functionName":"a"}"#

    func parse(_ parameters: [(String, String)]) throws(MetricQueryError) -> MetricQuery {
        try MetricQuery.parse(parameters, now: Self.now, timeZone: Self.shanghai)
    }

    /// A full valid query with `overrides` replacing parameters (a nil value removes one).
    static func parameters(_ overrides: [String: String?] = [:]) -> [(String, String)] {
        var values: [String: String] = [
            "project": "acs_fc", "metric": "FunctionTotalInvocations", "dimensions": functionDimensions, "period": "60",
            "startTime": "1721376000000", "endTime": "1721379600000",
        ]
        for (key, value) in overrides { values[key] = value }
        return MetricQuery.parameterNames.compactMap { name in values[name].map { (name, $0) } }
    }

    @Test func readsAFullQueryInEpochMilliseconds() throws {
        let query = try parse(Self.parameters())
        #expect(query.metric.name == "FunctionTotalInvocations")
        #expect(query.dimensions == MetricDimensions(region: "cn-hangzhou", serviceName: "s", functionName: "a"))
        #expect(query.window == MetricWindow(start: 1_721_376_000_000, end: 1_721_379_600_000, periodSeconds: 60))
    }

    @Test func readsLocalTimes() throws {
        // 16:00 in Shanghai (UTC+8) is 08:00 UTC.
        let query = try parse(Self.parameters(["startTime": "2024-07-19 16:00:00", "endTime": "2024-07-19+17:30:15"]))
        #expect(query.window.start == 1_721_376_000_000)
        #expect(query.window.end == 1_721_376_000_000 + 5_415_000)
        #expect(MetricTime.parseLocal("2024-07-19 08:00:00", timeZone: TimeZone(identifier: "UTC")!) == 1_721_376_000_000)
    }

    @Test func defaultsToTheLastHourIn60SecondPeriods() throws {
        let query = try parse(Self.parameters(["startTime": nil, "endTime": nil, "period": nil]))
        #expect(query.window == MetricWindow(start: Self.now - 3_600_000, end: Self.now, periodSeconds: 60))
        let ending = try parse(Self.parameters(["startTime": nil, "endTime": "1721376000000"]))
        #expect(ending.window.start == 1_721_376_000_000 - 3_600_000)
    }

    @Test func acceptsParameterNamesInAnyCaseLongerPeriodsAndInstanceDimension() throws {
        let query = try parse([
            ("Project", "acs_fc"), ("Metric", "FunctionInstanceCPUPercent"), ("Period", "300"), ("StartTime", "1721376000000"),
            ("Dimensions", #"{"region":"cn-hangzhou","serviceName":"s","functionName":"a","instanceId":"i1"}"#),
        ])
        #expect(query.window.periodSeconds == 300 && query.dimensions.instanceID == "i1")
        let region = try parse(Self.parameters(["metric": "RegionThrottlesRate", "dimensions": #"{"region":"cn-hangzhou"}"#]))
        #expect(region.metric.level == .region && region.dimensions == MetricDimensions(region: "cn-hangzhou"))
        let service = try parse(Self.parameters(["metric": "ServiceServerErrors", "dimensions": #"{"region":"r","serviceName":"s"}"#]))
        #expect(service.dimensions == MetricDimensions(region: "r", serviceName: "s"))
    }

    @Test func acceptsAWindowOfExactly31Days() throws {
        let query = try parse(Self.parameters(["startTime": "1721376000000", "endTime": String(1_721_376_000_000 + 31 * 86_400_000)]))
        #expect(query.window.end - query.window.start == MetricWindow.maximumMilliseconds)
    }

    @Test(arguments: [
        (["project": nil], "MissingParameter", "project is required"),
        (["project": "acs_ecs"], "InvalidParameter", "project must be acs_fc"),
        (["metric": nil], "MissingParameter", "metric is required"),
        (["metric": ""], "MissingParameter", "metric is required"),
        (["metric": "FunctionInvocations"], "InvalidParameter", "unknown metric `FunctionInvocations`; the metrics are RegionTotalInvocations"),
        (["metric": "functiontotalinvocations"], "InvalidParameter", "did you mean FunctionTotalInvocations?"),
        (["dimensions": nil], "MissingParameter", #"dimensions is required: a JSON object such as {"region":"cn-hangzhou","serviceName""#),
        (["dimensions": "{region: cn-hangzhou}"], "InvalidParameter", "dimensions must be a JSON object of strings"),
        (["dimensions": "[1]"], "InvalidParameter", "dimensions must be a JSON object of strings"),
        (["dimensions": #"{"region":"cn-hangzhou","serviceName":"s","functionName":7}"#], "InvalidParameter", "functionName must be a non-empty string"),
        (["dimensions": #"{"region":"cn-hangzhou","serviceName":"s"}"#], "InvalidParameter", "dimensions lack functionName; FunctionTotalInvocations is a function-level metric"),
        (["dimensions": #"{"serviceName":"s","functionName":"a"}"#], "InvalidParameter", "dimensions lack region"),
        (["metric": "RegionTotalInvocations"], "InvalidParameter", "dimensions key functionName does not apply; RegionTotalInvocations is a region-level metric: its dimensions are region"),
        (["dimensions": #"{"region":"r","serviceName":"s","functionName":"a","instanceId":"i"}"#], "InvalidParameter", "dimensions key instanceId does not apply"),
        (["dimensions": #"{"region":"r","serviceName":"s","functionName":"a","qualifier":"LATEST"}"#], "InvalidParameter", "unknown dimensions key `qualifier`"),
        (["period": "0"], "InvalidParameter", "period must be a positive multiple of 60"),
        (["period": "90"], "InvalidParameter", "period must be a positive multiple of 60 (seconds), e.g. period=60; got `90`"),
        (["period": "-60"], "InvalidParameter", "period must be a positive multiple of 60"),
        (["period": "1m"], "InvalidParameter", "period must be a positive multiple of 60"),
        (["period": "99999999999999999999"], "InvalidParameter", "period must be a positive multiple of 60"),
        (["startTime": "yesterday"], "InvalidParameter", "startTime `yesterday` is not a time; expected epoch milliseconds"),
        (["startTime": "2024-02-30 10:00:00"], "InvalidParameter", "startTime `2024-02-30 10:00:00` is not a time"),
        (["endTime": "2024-07-19T17:00:00"], "InvalidParameter", "endTime `2024-07-19T17:00:00` is not a time"),
        (["startTime": "1721376000"], "InvalidParameter", "startTime 1721376000 looks like epoch seconds"),
        (["startTime": "99999999999999999999"], "InvalidParameter", "startTime 99999999999999999999 is too large"),
        (["startTime": "1721379600000"], "InvalidParameter", "startTime must be before endTime: the window is (startTime, endTime]"),
        (["startTime": "1721379600001"], "InvalidParameter", "startTime must be before endTime"),
        (["startTime": "1718000000000"], "InvalidParameter", "may span at most 31 days; it spans 39.1 days"),
    ] as [([String: String?], String, String)])
    func refusesClearly(overrides: [String: String?], code: String, message: String) {
        do {
            let query = try parse(Self.parameters(overrides))
            Issue.record("accepted \(overrides): \(query.metric.name)")
        } catch {
            #expect(error.code == code)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func refusesUnknownAndRepeatedParameters() {
        #expect(throws: MetricQueryError.invalid("unknown parameter `start`; the parameters are project, metric, dimensions, period, startTime, endTime")) {
            try parse(Self.parameters() + [("start", "1")])
        }
        #expect(throws: MetricQueryError.invalid("parameter metric is given twice")) {
            try parse(Self.parameters() + [("METRIC", "FunctionCost")])
        }
    }
}
