@testable import fc_local

/// A known set of records spanning two 60-s periods, two functions of service `s`, one of service `t` and another
/// region, plus one record just before and one just after the two periods. `base` must be a multiple of 120 000 ms.
///
/// Period P1 = [base, base+60 s):  s/a success, functionError, throttled, clientError; s/b success; t/c serverError;
///                                 cn-shanghai s/a success.
/// Period P2 = [base+60 s, base+120 s): s/a success ×2; s/b serverError.
enum MetricsFixture {
    static let region = "cn-hangzhou"

    static func invocation(
        _ function: String, service: String = "s", at time: Int64, _ outcome: InvocationOutcome, latency: Double, duration: Double? = nil,
        memory: Double? = nil, memoryMB: Int = 128, concurrency: Int = 1, coldStart: Bool = false, region: String = region
    ) -> InvocationRecord {
        InvocationRecord(
            requestID: "req-\(function)-\(time)", region: region, service: service, function: function, trigger: "event", startedAt: time,
            latencyMs: latency, status: outcome == .success ? 200 : 500, outcome: outcome, errorType: nil, durationMs: duration,
            memoryUsageMB: memory, memoryMB: memoryMB, isColdStart: coldStart, concurrency: concurrency, instanceID: "i1")
    }

    static func invocations(base: Int64) -> [InvocationRecord] {
        [
            // Before P1 and after P2: never in the answers of the window (base-1, base+60 s].
            invocation("a", at: base - 1, .success, latency: 7, duration: 7, memory: 7),
            invocation("a", at: base + 120_000, .success, latency: 7, duration: 7, memory: 7),
            // P1
            invocation("a", at: base, .success, latency: 30, duration: 20, memory: 10.5, coldStart: true),
            invocation("a", at: base + 10_000, .functionError, latency: 50, duration: 40.5, memory: 20, concurrency: 2),
            invocation("a", at: base + 20_000, .throttled, latency: 1, concurrency: 3),
            invocation("a", at: base + 30_000, .clientError, latency: 2),
            invocation("b", at: base + 59_999, .success, latency: 10, duration: 5.5, memory: 8, memoryMB: 256),
            invocation("c", service: "t", at: base + 40_000, .serverError, latency: 100, memoryMB: 512),
            invocation("a", at: base + 5_000, .success, latency: 999, duration: 999, memory: 999, region: "cn-shanghai"),
            // P2
            invocation("a", at: base + 60_000, .success, latency: 70, duration: 60, memory: 30),
            invocation("a", at: base + 90_000, .success, latency: 90, duration: 80.5, memory: 25, concurrency: 2),
            invocation("b", at: base + 100_000, .serverError, latency: 5, memoryMB: 256),
        ]
    }

    static func instance(_ id: String, at time: Int64, cpu: Double, memory: Double, rx: Int64, tx: Int64, concurrent: Int = 1) -> InstanceMetricsRecord {
        InstanceMetricsRecord(
            service: "s", function: "a", instanceID: id, timestamp: time, cpuPercent: cpu, cpuQuotaPercent: 8.33, memoryUsageMB: memory,
            memoryLimitMB: 128, memoryUsagePercent: memory / 128 * 100, rxBytes: rx, txBytes: tx, concurrentRequests: concurrent)
    }

    static func instances(base: Int64) -> [InstanceMetricsRecord] {
        [
            instance("i1", at: base + 10_000, cpu: 50, memory: 32, rx: 1000, tx: 200),
            instance("i2", at: base + 20_000, cpu: 150, memory: 64, rx: 3000, tx: 400, concurrent: 3),
            instance("i1", at: base + 70_000, cpu: 10, memory: 16, rx: 500, tx: 50),
        ]
    }
}
