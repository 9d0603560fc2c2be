import Prometheus
import Synchronization

/// Live counters, gauges and histograms of the platform since fc-local started, for the Prometheus endpoint
/// `GET /metrics`. Labels: region, service, function (and instance for the `FCInstanceMetrics` figures).
/// The query API reads the state database instead, so its numbers survive restarts; these start at zero.
final class PlatformMetrics: Sendable {
    let region: String
    private let registry = PrometheusCollectorRegistry()
    /// The collectors of each function's invocations, made once (the registry's lookup validates names every call).
    private let invocationCollectors = Mutex<[FunctionLabels: InvocationCollectors]>([:])

    init(region: String) { self.region = region }

    /// Counts an invocation the platform stored: totals by outcome, cold starts, cost, latency and duration.
    func observe(_ invocation: InvocationRecord) {
        let collectors = self.collectors(for: FunctionLabels(region: invocation.region, service: invocation.service, function: invocation.function))
        collectors.invocations.increment()
        if invocation.outcome.isBillable { collectors.billableInvocations.increment() }
        switch invocation.outcome {
        case .success: break
        case .functionError: collectors.functionErrors.increment()
        case .throttled: collectors.throttles.increment()
        case .clientError: collectors.clientErrors.increment()
        case .serverError: collectors.serverErrors.increment()
        }
        if invocation.isColdStart { collectors.coldStarts.increment() }
        // Memory × whole milliseconds: always a whole number (capped so that an absurd duration cannot trap).
        collectors.cost.increment(by: Int64(min(MetricCatalog.cost(of: invocation), 1e18)))
        if invocation.latencyMs.isFinite, invocation.latencyMs >= 0 { collectors.latency.record(.milliseconds(invocation.latencyMs)) }
        // A function's own FCInsights figures are not trusted to be sane: the collectors trap on negatives.
        if let duration = invocation.durationMs, duration.isFinite, duration >= 0 { collectors.duration.record(.milliseconds(duration)) }
    }

    /// Every collector of a function, all made on its first invocation so dashboards see zeros, not gaps.
    private func collectors(for labels: FunctionLabels) -> InvocationCollectors {
        invocationCollectors.withLock { known in
            if let collectors = known[labels] { return collectors }
            let pairs = labels.pairs
            let collectors = InvocationCollectors(
                invocations: counter(.invocations, pairs), billableInvocations: counter(.billableInvocations, pairs),
                throttles: counter(.throttles, pairs), clientErrors: counter(.clientErrors, pairs),
                serverErrors: counter(.serverErrors, pairs), functionErrors: counter(.functionErrors, pairs),
                coldStarts: counter(.coldStarts, pairs), cost: counter(.cost, pairs),
                latency: histogram(.latency, pairs), duration: histogram(.duration, pairs))
            known[labels] = collectors
            return collectors
        }
    }

    /// Sets an instance's gauges from its latest `FCInstanceMetrics` record and adds its bytes to the network counters.
    func observe(_ metrics: InstanceMetricsRecord) {
        let labels = [("region", region), ("service", metrics.service), ("function", metrics.function), ("instance", metrics.instanceID)]
        let bytesPerMB = 1024.0 * 1024.0
        gauge(.instanceCPU, labels).set(metrics.cpuPercent)
        gauge(.instanceCPUQuota, labels).set(metrics.cpuQuotaPercent)
        gauge(.instanceMemoryUsage, labels).set(metrics.memoryUsageMB * bytesPerMB)
        gauge(.instanceMemoryLimit, labels).set(metrics.memoryLimitMB * bytesPerMB)
        gauge(.instanceMemoryPercent, labels).set(metrics.memoryUsagePercent)
        gauge(.instanceConcurrentRequests, labels).set(Double(metrics.concurrentRequests))
        counter(.instanceReceived, labels).increment(by: max(0, metrics.rxBytes))
        counter(.instanceTransmitted, labels).increment(by: max(0, metrics.txBytes))
    }

    /// Drops a stopped instance's gauges and counters, so that `/metrics` shows running instances only.
    func instanceStopped(_ instanceID: String, of key: FunctionKey) {
        let labels = [("region", region), ("service", key.service), ("function", key.function), ("instance", instanceID)]
        for family in [Family.instanceCPU, .instanceCPUQuota, .instanceMemoryUsage, .instanceMemoryLimit, .instanceMemoryPercent, .instanceConcurrentRequests] {
            registry.unregisterGauge(gauge(family, labels))
        }
        for family in [Family.instanceReceived, .instanceTransmitted] {
            registry.unregisterCounter(counter(family, labels))
        }
    }

    /// The number of running instances of a function.
    func setInstanceCount(_ count: Int, for key: FunctionKey) {
        gauge(.instances, [("region", region), ("service", key.service), ("function", key.function)]).set(Double(count))
    }

    /// Everything in the Prometheus text format (version 0.0.4).
    func prometheusText() -> String { registry.emitToString() }

    // The registry returns the existing collector for a name and label set.
    private func counter(_ family: Family, _ labels: [(String, String)]) -> Counter {
        registry.makeCounter(descriptor: family.descriptor, labels: labels)
    }

    private func gauge(_ family: Family, _ labels: [(String, String)]) -> Gauge {
        registry.makeGauge(descriptor: family.descriptor, labels: labels)
    }

    private func histogram(_ family: Family, _ labels: [(String, String)]) -> DurationHistogram {
        registry.makeDurationHistogram(descriptor: family.descriptor, labels: labels, buckets: Family.latencyBuckets)
    }
}

/// A metric family of the Prometheus endpoint: `fc_<metric>[_<unit>]` and its help text (which must never change).
private struct Family: Sendable {
    let metric: String
    let unit: String
    let help: String

    var descriptor: MetricNameDescriptor { MetricNameDescriptor(namespace: "fc", metricName: metric, unitName: unit, helpText: help) }

    static let invocations = Family(metric: "invocations", unit: "total", help: "Invocations (TotalInvocations).")
    static let billableInvocations = Family(metric: "billable_invocations", unit: "total", help: "Invocations the function ran (BillableInvocations).")
    static let throttles = Family(metric: "throttles", unit: "total", help: "Invocations refused with 429 (Throttles).")
    static let clientErrors = Family(metric: "client_errors", unit: "total", help: "Invocations refused as invalid, 4xx (ClientErrors).")
    static let serverErrors = Family(metric: "server_errors", unit: "total", help: "Invocations the platform failed, 5xx (ServerErrors).")
    static let functionErrors = Family(metric: "function_errors", unit: "total", help: "Invocations the function failed (FunctionErrors).")
    static let coldStarts = Family(metric: "cold_starts", unit: "total", help: "Invocations that started an instance.")
    static let cost = Family(metric: "cost", unit: "megabyte_milliseconds_total", help: "memoryMB x ceil(durationMs) of billable invocations (FunctionCost).")

    static let latency = Family(metric: "latency", unit: "seconds", help: "Request received to answer sent, on the platform.")
    static let duration = Family(metric: "duration", unit: "seconds", help: "The function's duration from its FCInsights record.")
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        .seconds(60), .seconds(120), .seconds(300),
    ]

    static let instances = Family(metric: "instances", unit: "", help: "Running instances of the function.")
    static let instanceCPU = Family(metric: "instance_cpu", unit: "percent", help: "CPU the instance used, cores x 100 (FCInstanceMetrics cpuPercent).")
    static let instanceCPUQuota = Family(metric: "instance_cpu_quota", unit: "percent", help: "CPU the instance may use, cores x 100.")
    static let instanceMemoryUsage = Family(metric: "instance_memory_usage", unit: "bytes", help: "Memory the instance used.")
    static let instanceMemoryLimit = Family(metric: "instance_memory_limit", unit: "bytes", help: "Memory the instance may use.")
    static let instanceMemoryPercent = Family(metric: "instance_memory_usage", unit: "percent", help: "Memory used / limit x 100.")
    static let instanceConcurrentRequests = Family(metric: "instance_concurrent_requests", unit: "", help: "Requests the instance was handling.")
    static let instanceReceived = Family(metric: "instance_received", unit: "bytes_total", help: "Bytes the instance received.")
    static let instanceTransmitted = Family(metric: "instance_transmitted", unit: "bytes_total", help: "Bytes the instance sent.")
}

/// The labels of a function's invocation metrics.
private struct FunctionLabels: Hashable, Sendable {
    let region: String
    let service: String
    let function: String

    var pairs: [(String, String)] { [("region", region), ("service", service), ("function", function)] }
}

/// The collectors of one function's invocations.
private struct InvocationCollectors: Sendable {
    let invocations: Counter
    let billableInvocations: Counter
    let throttles: Counter
    let clientErrors: Counter
    let serverErrors: Counter
    let functionErrors: Counter
    let coldStarts: Counter
    let cost: Counter
    let latency: DurationHistogram
    let duration: DurationHistogram
}
