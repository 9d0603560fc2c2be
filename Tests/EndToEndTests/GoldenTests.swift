import Foundation
import NIOHTTP1
import Testing

/// Every FC line and record next to the scenario that produced it, as golden files in `Golden/`: the exact lines
/// the real process writes, with the values that vary between runs (times, durations, memory, host) replaced by
/// placeholders. A golden file starts with `#` lines describing its scenario. Run with `UPDATE_GOLDEN=1` to
/// rewrite the files after an intended change, then review the diff.
@Suite struct GoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static let environment = [
        "FC_SERVICE_NAME": "golden-svc", "FC_FUNCTION_NAME": "golden-fn", "FC_INSTANCE_ID": "i-golden", "FC_FUNCTION_MEMORY_SIZE": "256",
    ]

    /// Replaces the values that differ between runs.
    static func normalize(_ line: String) -> String {
        let rules = [
            (#"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "#, "<time> "),
            (#""(memoryUsageMB|memoryLimitMB|memoryUsagePercent|cpuPercent|cpuQuotaPercent)":\d+\.\d\d"#, #""$1":<n>"#),
            (#""(durationMs|initializationDurationMs)":\d+\.\d\d"#, #""$1":<ms>"#),
            (#""invocationStartTimestamp":\d+"#, #""invocationStartTimestamp":<epoch-ms>"#),
            (#""(hostname|ipAddress)":"[^"]*""#, #""$1":"<host>""#),
            (#""(rxBytes|txBytes|rxTotalBytes|txTotalBytes)":\d+"#, #""$1":<bytes>"#),
        ]
        return rules.reduce(line) { text, rule in text.replacingOccurrences(of: rule.0, with: rule.1, options: .regularExpression) }
    }

    /// Runs `scenario` against a fresh process and compares the lines of the request ids it names.
    func check(_ name: String, description: [String], environment: [String: String] = [:], requestIDs: [String],
               extraLines: (String) -> Bool = { _ in false }, _ scenario: (FCClient) async throws -> Void) async throws
    {
        let function = try await FunctionProcess(environment: Self.environment.merging(environment) { _, new in new })
        defer { function.kill() }
        try await scenario(FCClient(port: function.port))
        try await Task.sleep(for: .milliseconds(100))
        var extraSeen = false
        let lines = function.stdoutLines.filter { line in
            if requestIDs.contains(where: { line.contains($0) }) { return true }
            // Periodic records: the first one only, however long the machine took.
            guard !extraSeen, extraLines(line) else { return false }
            extraSeen = true
            return true
        }.map(Self.normalize)
        let actual = (description.map { "# \($0)" } + lines).joined(separator: "\n") + "\n"
        let file = Self.directory.appendingPathComponent("\(name).golden")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try actual.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(actual == expected, "\(name).golden differs; actual:\n\(actual)")
    }

    @Test func coldStartWithInitializerAndTracing() async throws {
        try await check(
            "cold-start-invocation",
            description: [
                "POST /initialize (init-1), then the first POST /invoke (req-1) of `echo` carrying a sampled span context.",
                "The cold-start record carries initializationDurationMs, traceContext and isSampled.",
            ],
            requestIDs: ["init-1", "req-1"]
        ) { client in
            _ = try await client.send(path: "/initialize", headers: FCClient.platformHeaders(requestID: "init-1").merging(Self.namedHeaders) { _, n in n })
            _ = try await client.invoke("echo", event: "hi", requestID: "req-1",
                extra: Self.namedHeaders.merging(["x-fc-tracing-opentracing-span-context": "5f3a:1b2c:0:1"]) { _, n in n })
        }
    }

    @Test func warmInvocationFailureTimeoutAndHTTP() async throws {
        try await check(
            "warm-invocations",
            description: [
                "After a first invocation (warm-0): `fail` throws (warm-1), `sleep` 5 s with a 1 s timeout (warm-2),",
                "and an HTTP-trigger GET answered by `http` (warm-3). None is a cold start.",
            ],
            requestIDs: ["warm-1", "warm-2", "warm-3"]
        ) { client in
            _ = try await client.invoke("echo", requestID: "warm-0", extra: Self.namedHeaders)
            _ = try await client.invoke("fail", event: "broken", requestID: "warm-1", extra: Self.namedHeaders)
            _ = try await client.invoke("sleep", event: #"{"ms": 5000}"#, requestID: "warm-2",
                extra: Self.namedHeaders.merging(["x-fc-function-timeout": "1"]) { _, n in n })
            _ = try await client.send(.GET, path: "/items?status=200", headers: FCClient.platformHeaders(requestID: "warm-3", handler: "http",
                extra: Self.namedHeaders.merging(["x-fc-control-path": "/http-invoke"]) { _, n in n }))
        }
    }

    @Test func lifecycleHooks() async throws {
        try await check(
            "lifecycle-hooks",
            description: ["GET /pre-freeze (pf-1) and GET /pre-stop (ps-1); hooks log one line each and write no record."],
            requestIDs: ["pf-1", "ps-1"]
        ) { client in
            _ = try await client.send(.GET, path: "/pre-freeze", headers: ["x-fc-request-id": "pf-1"])
            _ = try await client.send(.GET, path: "/pre-stop", headers: ["x-fc-request-id": "ps-1"])
        }
    }

    @Test func instanceMetricsRecord() async throws {
        try await check(
            "instance-metrics",
            description: [
                "SWIFT_FC_INSTANCE_METRICS_INTERVAL=1 and one invocation (m-1): the per-instance record, every field present,",
                "named after the last invocation's service and function.",
            ],
            environment: ["SWIFT_FC_INSTANCE_METRICS_INTERVAL": "1", "SWIFT_FC_REQUEST_METRICS": "false"],
            requestIDs: ["m-1"],
            extraLines: { $0.hasPrefix("FCInstanceMetrics:") && $0.contains("\"concurrentRequests\":1") }
        ) { client in
            _ = try await client.invoke("sleep", event: #"{"ms": 1500}"#, requestID: "m-1", extra: Self.namedHeaders)
        }
    }

    static let namedHeaders = ["x-fc-service-name": "golden-svc", "x-fc-function-name": "golden-fn", "x-fc-function-memory": "256"]
}
