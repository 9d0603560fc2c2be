/// Live counters and gauges of the platform for the Prometheus endpoint (stub until the metrics area lands).
final class PlatformMetrics: Sendable {
    let region: String

    init(region: String) { self.region = region }

    func observe(_ invocation: InvocationRecord) {}
    func observe(_ metrics: InstanceMetricsRecord) {}
    func setInstanceCount(_ count: Int, for key: FunctionKey) {}
}
