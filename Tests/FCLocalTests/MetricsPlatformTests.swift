import Foundation
import NIOHTTP1
import Testing

@testable import fc_local

/// The metrics of a real `fc-local start` and `fc-local metrics`, over records the test wrote to the state database.
struct MetricsPlatformTests {
    /// A period start (a multiple of 120 s) about ten minutes ago, so every fixture period is in the last hour.
    static func recentBase() -> Int64 {
        let tenMinutesAgo = Int64(Date().timeIntervalSince1970 * 1000) - 600_000
        return tenMinutesAgo - tenMinutesAgo % 120_000
    }

    /// A new state directory holding the fixture's records.
    static func stateDirectory(base: Int64) async throws -> String {
        let directory = RunningPlatform.newStateDirectory()
        let store = try PlatformStore(directory: directory)
        for record in MetricsFixture.invocations(base: base) { try await store.record(record) }
        for record in MetricsFixture.instances(base: base) { try await store.record(record) }
        return directory
    }

    static func queryPath(_ metric: String, _ dimensions: String, start: Int64, end: Int64) -> String {
        let encoded = dimensions.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return "/metrics/query?project=acs_fc&metric=\(metric)&dimensions=\(encoded)&period=60&startTime=\(start)&endTime=\(end)"
    }

    static func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

    @Test func queryAPIAndPrometheusEndpointOfARunningPlatform() async throws {
        let base = Self.recentBase()
        let platform = try await RunningPlatform.start(stateDirectory: try await Self.stateDirectory(base: base))
        do {
            try await checkQueries(platform, base: base)
        } catch {
            try await platform.stop()
            throw error
        }
        try await platform.stop()
    }

    private func checkQueries(_ platform: RunningPlatform, base: Int64) async throws {
        let function = #"{"region":"cn-hangzhou","serviceName":"s","functionName":"a"}"#
        let total = try await platform.request(.GET, Self.queryPath("FunctionTotalInvocations", function, start: base - 1, end: base + 60_000))
        #expect(total.status == 200, "\(total.text)")
        #expect(total.json["code"] as? String == "200" && total.json["success"] as? Bool == true)
        #expect(Self.number(total.json["period"]) == 60 && total.json["requestId"] is String)
        let points = try #require(total.json["datapoints"] as? [[String: Any]], "\(total.text)")
        #expect(points.map { Self.number($0["timestamp"]) } == [Double(base), Double(base + 60_000)])
        #expect(points.map { Self.number($0["value"]) } == [4, 2])
        #expect(points.map { Self.number($0["Sum"]) } == [4, 2])
        #expect(points.first?["region"] as? String == "cn-hangzhou")
        #expect(points.first?["serviceName"] as? String == "s" && points.first?["functionName"] as? String == "a")

        let latency = try await platform.request(.GET, Self.queryPath("FunctionLatencyMax", function, start: base - 1, end: base))
        let latencyPoint = try #require((latency.json["datapoints"] as? [[String: Any]])?.first, "\(latency.text)")
        #expect(Self.number(latencyPoint["value"]) == 50 && Self.number(latencyPoint["Maximum"]) == 50)
        #expect(Self.number(latencyPoint["Average"]) == 20.75 && Self.number(latencyPoint["Minimum"]) == 1)

        let region = try await platform.request(
            .GET, Self.queryPath("RegionTotalInvocations", #"{"region":"cn-hangzhou"}"#, start: base - 1, end: base + 60_000))
        let regionPoints = try #require(region.json["datapoints"] as? [[String: Any]], "\(region.text)")
        #expect(regionPoints.map { Self.number($0["value"]) } == [6, 3])
        #expect(regionPoints.allSatisfy { $0["serviceName"] == nil && $0["region"] as? String == "cn-hangzhou" })

        // A cn-shanghai record is in the database, but this platform is cn-hangzhou.
        let other = try await platform.request(
            .GET, Self.queryPath("RegionTotalInvocations", #"{"region":"cn-shanghai"}"#, start: base - 1, end: base + 60_000))
        #expect(other.status == 200 && (other.json["datapoints"] as? [Any])?.isEmpty == true, "\(other.text)")

        let bad = try await platform.request(.GET, Self.queryPath("FunctionTotalInvocations", function, start: base, end: base))
        #expect(bad.status == 400)
        #expect(bad.json["code"] as? String == "InvalidParameter" && bad.json["success"] as? Bool == false)
        #expect((bad.json["message"] as? String)?.contains("startTime must be before endTime") == true, "\(bad.text)")
        #expect(bad.header("content-type") == "application/json")

        let prometheus = try await platform.request(.GET, "/metrics")
        #expect(prometheus.status == 200)
        #expect(prometheus.header("content-type") == "text/plain; version=0.0.4")
        // Counters start at fc-local's start: nothing was invoked, but whatever it emits must parse.
        let decoded = try await PrometheusTextDecoder.decode(prometheus.text)
        #expect(decoded.value("fc_invocations_total", ["region": "cn-hangzhou", "service": "s", "function": "a"]) == nil)
    }

    /// The cells after the period (its date and time) of each row of `fc-local metrics`.
    static func rows(_ stdout: String) -> [[String]] {
        stdout.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").dropFirst(2).map(String.init) }
    }

    @Test func metricsCommandPrintsOneRowPerPeriod() async throws {
        let base = Self.recentBase()
        let directory = try await Self.stateDirectory(base: base)
        let run = try await FCLocalRun.run(["metrics", "--function", "a", "--service", "s", "--state-dir", directory])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("s/a in cn-hangzhou, 60-s periods from ") == true, "\(run.stdout)")
        #expect(lines.dropFirst().first?.split(separator: " ").first == "PERIOD")
        // Before P1, P1, P2, after P2; the cn-shanghai record is not counted.
        let single = ["1", "1", "0", "0", "0", "0", "7.00", "ms", "7.00", "ms", "7.00", "MB", "1", "896", "-"]
        #expect(
            Self.rows(run.stdout) == [
                single,
                ["4", "2", "1", "1", "1", "0", "30.25", "ms", "50.00", "ms", "20.00", "MB", "3", "7808", "150.00", "%"],
                ["2", "2", "0", "0", "0", "0", "70.25", "ms", "90.00", "ms", "30.00", "MB", "2", "18048", "10.00", "%"],
                single,
            ], "\(run.stdout)")

        let none = try await FCLocalRun.run(["metrics", "--function", "nothing", "--service", "s", "--state-dir", directory])
        #expect(none.status == 0)
        #expect(none.stdout.hasPrefix("No invocations or instance metrics of s/nothing in cn-hangzhou from "), "\(none.stdout)")
    }

    @Test func metricsCommandRefusesAMissingStateDatabase() async throws {
        let directory = RunningPlatform.newStateDirectory()
        let run = try await FCLocalRun.run(["metrics", "--function", "a", "--state-dir", directory])
        #expect(run.status == 2)
        #expect(run.stderr.contains("no state database at \(directory)/fc-local.sqlite"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory))
        let bad = try await FCLocalRun.run(["metrics", "--function", "a", "--minutes", "0"])
        #expect(bad.status != 0 && bad.stderr.contains("--minutes must be from 1 to 44640"), "\(bad.stderr)")
    }
}
