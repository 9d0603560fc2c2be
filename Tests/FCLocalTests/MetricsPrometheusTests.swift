import Foundation
import Testing

@testable import fc_local

/// What `GET /metrics` emits after known observations, read back by an independent decoder
/// (Tests/Tools/prometheus_text.py, the prometheus-client parser).
struct MetricsPrometheusTests {
    static let base: Int64 = 1_721_376_000_000

    /// The fixture's P1 and P2 records of s/a and s/b, the instance records, and instance counts.
    func observed() -> PlatformMetrics {
        let metrics = PlatformMetrics(region: MetricsFixture.region)
        for record in MetricsFixture.invocations(base: Self.base) where record.region == MetricsFixture.region && record.service == "s" {
            metrics.observe(record)
        }
        for record in MetricsFixture.instances(base: Self.base) { metrics.observe(record) }
        metrics.setInstanceCount(3, for: FunctionKey(service: "s", function: "a"))
        metrics.setInstanceCount(2, for: FunctionKey(service: "s", function: "a"))
        return metrics
    }

    @Test func countersFollowTheOutcomes() async throws {
        let decoded = try await PrometheusTextDecoder.decode(observed().prometheusText())
        let a = ["region": "cn-hangzhou", "service": "s", "function": "a"]
        let b = ["region": "cn-hangzhou", "service": "s", "function": "b"]
        // s/a: the fixture's records before P1 and after P2 count too (this is "since start", not a window).
        #expect(decoded.value("fc_invocations_total", a) == 8)
        #expect(decoded.value("fc_billable_invocations_total", a) == 6)
        #expect(decoded.value("fc_throttles_total", a) == 1)
        #expect(decoded.value("fc_client_errors_total", a) == 1)
        #expect(decoded.value("fc_function_errors_total", a) == 1)
        #expect(decoded.value("fc_server_errors_total", a) == 0)
        #expect(decoded.value("fc_cold_starts_total", a) == 1)
        // 128 × (7 + 20 + 41 + 60 + 81 + 7)
        #expect(decoded.value("fc_cost_megabyte_milliseconds_total", a) == Double(128 * 216))
        #expect(decoded.value("fc_invocations_total", b) == 2)
        #expect(decoded.value("fc_server_errors_total", b) == 1)
        #expect(decoded.value("fc_cost_megabyte_milliseconds_total", b) == Double(256 * 6))
        #expect(decoded.type(of: "fc_invocations") == "counter")
        #expect(decoded.help(of: "fc_throttles")?.contains("Throttles") == true)
    }

    @Test func latencyAndDurationHistogramsInSeconds() async throws {
        let decoded = try await PrometheusTextDecoder.decode(observed().prometheusText())
        let a = ["region": "cn-hangzhou", "service": "s", "function": "a"]
        // s/a latencies (ms): 7, 7, 30, 50, 1, 2, 70, 90.
        #expect(decoded.type(of: "fc_latency_seconds") == "histogram")
        #expect(decoded.value("fc_latency_seconds_count", a) == 8)
        #expect(abs((decoded.value("fc_latency_seconds_sum", a) ?? 0) - 0.257) < 1e-9)
        #expect(decoded.value("fc_latency_seconds_bucket", a.merging(["le": "0.001"]) { $1 }) == 1)
        #expect(decoded.value("fc_latency_seconds_bucket", a.merging(["le": "0.025"]) { $1 }) == 4)
        #expect(decoded.value("fc_latency_seconds_bucket", a.merging(["le": "0.05"]) { $1 }) == 6)
        #expect(decoded.value("fc_latency_seconds_bucket", a.merging(["le": "0.1"]) { $1 }) == 8)
        #expect(decoded.value("fc_latency_seconds_bucket", a.merging(["le": "+Inf"]) { $1 }) == 8)
        // Durations only where FCInsights gave one: 7, 7, 20, 40.5, 60, 80.5.
        #expect(decoded.value("fc_duration_seconds_count", a) == 6)
        #expect(abs((decoded.value("fc_duration_seconds_sum", a) ?? 0) - 0.215) < 1e-9)
    }

    @Test func instanceGaugesKeepTheLatestRecordAndBytesAddUp() async throws {
        let decoded = try await PrometheusTextDecoder.decode(observed().prometheusText())
        let i1 = ["region": "cn-hangzhou", "service": "s", "function": "a", "instance": "i1"]
        let i2 = i1.merging(["instance": "i2"]) { $1 }
        #expect(decoded.value("fc_instance_cpu_percent", i1) == 10)
        #expect(decoded.value("fc_instance_cpu_percent", i2) == 150)
        #expect(decoded.value("fc_instance_cpu_quota_percent", i2) == 8.33)
        #expect(decoded.value("fc_instance_memory_usage_bytes", i1) == Double(16 * 1_048_576))
        #expect(decoded.value("fc_instance_memory_limit_bytes", i1) == Double(128 * 1_048_576))
        #expect(decoded.value("fc_instance_memory_usage_percent", i2) == 50)
        #expect(decoded.value("fc_instance_concurrent_requests", i2) == 3)
        #expect(decoded.value("fc_instance_received_bytes_total", i1) == 1500)
        #expect(decoded.value("fc_instance_transmitted_bytes_total", i1) == 250)
        #expect(decoded.value("fc_instances", ["region": "cn-hangzhou", "service": "s", "function": "a"]) == 2)
        #expect(decoded.type(of: "fc_instance_cpu_percent") == "gauge")
    }

    @Test func aStoppedInstanceLeavesTheEndpoint() async throws {
        let metrics = observed()
        metrics.instanceStopped("i1", of: FunctionKey(service: "s", function: "a"))
        let decoded = try await PrometheusTextDecoder.decode(metrics.prometheusText())
        let i1 = ["region": "cn-hangzhou", "service": "s", "function": "a", "instance": "i1"]
        #expect(decoded.value("fc_instance_cpu_percent", i1) == nil)
        #expect(decoded.value("fc_instance_received_bytes_total", i1) == nil)
        #expect(decoded.value("fc_instance_cpu_percent", i1.merging(["instance": "i2"]) { $1 }) == 150)
    }

    @Test func nonsenseFromAFunctionIsLeftOut() async throws {
        let metrics = PlatformMetrics(region: "cn-hangzhou")
        metrics.observe(MetricsFixture.invocation("a", at: Self.base, .success, latency: 3, duration: -5, memory: .nan))
        metrics.observe(MetricsFixture.invocation("a", at: Self.base, .success, latency: 4, duration: .infinity))
        metrics.observe(MetricsFixture.instance("i1", at: Self.base, cpu: 1, memory: 1, rx: -10, tx: 20))
        let decoded = try await PrometheusTextDecoder.decode(metrics.prometheusText())
        let a = ["region": "cn-hangzhou", "service": "s", "function": "a"]
        #expect(decoded.value("fc_invocations_total", a) == 2)
        #expect(decoded.value("fc_duration_seconds_count", a) == 0)
        #expect(decoded.value("fc_cost_megabyte_milliseconds_total", a) == 0)
        #expect(decoded.value("fc_instance_received_bytes_total", a.merging(["instance": "i1"]) { $1 }) == 0)
        #expect(MetricAggregator.statistics(of: [.nan, 2, .infinity, 4]) == [.sum: 6, .average: 3, .maximum: 4, .minimum: 2])
    }

    @Test func labelValuesAreEscaped() async throws {
        let metrics = PlatformMetrics(region: "cn-hangzhou")
        metrics.observe(MetricsFixture.invocation(#"we"ird\name"#, service: "s\nt", at: Self.base, .success, latency: 1))
        let decoded = try await PrometheusTextDecoder.decode(metrics.prometheusText())
        #expect(decoded.value("fc_invocations_total", ["region": "cn-hangzhou", "service": "s\nt", "function": #"we"ird\name"#]) == 1)
    }
}

/// Runs Tests/Tools/prometheus_text.py on Prometheus text and reads its JSON.
struct PrometheusTextDecoder {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let samples: [[String: Any]]
    let families: [[String: Any]]

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tools/prometheus_text.py").path
    }

    /// Files, not pipes, and an exit awaited without blocking: a pipe's write end can leak into a long-lived child that
    /// another test spawns at the same moment, and then the decoder never sees the end of its input (nor we of its
    /// output) until that child exits. Blocking reads also held Swift's cooperative threads (two here) while they waited,
    /// which stalled every other test.
    static func decode(_ text: String) async throws -> PrometheusTextDecoder {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in"), output = directory.appendingPathComponent("out")
        let errors = directory.appendingPathComponent("err")
        try Data(text.utf8).write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        if process.isRunning { process.terminate() }
        let data = try Data(contentsOf: output)
        let stderr = String(decoding: try Data(contentsOf: errors), as: UTF8.self)
        guard !process.isRunning, process.terminationStatus == 0,
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let samples = object["samples"] as? [[String: Any]], let families = object["families"] as? [[String: Any]]
        else {
            throw Failure(description: "prometheus_text.py failed (\(process.isRunning ? "no exit in 60 s" : "exit \(process.terminationStatus)")): \(stderr)\n--- input\n\(text)")
        }
        return PrometheusTextDecoder(samples: samples, families: families)
    }

    /// The value of the sample `name` whose labels are exactly `labels`.
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        let sample = samples.first { ($0["name"] as? String) == name && ($0["labels"] as? [String: String]) == labels }
        return (sample?["value"] as? NSNumber)?.doubleValue
    }

    func type(of family: String) -> String? { families.first { ($0["name"] as? String) == family }?["type"] as? String }
    func help(of family: String) -> String? { families.first { ($0["name"] as? String) == family }?["help"] as? String }
}
