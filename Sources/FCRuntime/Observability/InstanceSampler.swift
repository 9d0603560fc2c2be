import Logging
import ServiceLifecycle

/// Writes the `FCInstanceMetrics` record every aggregation period (`SWIFT_FC_INSTANCE_METRICS_INTERVAL`).
///
/// It runs on its own task, reads a handful of small kernel files per period and never touches request handling.
struct InstanceSampler: Service {
    let monitor: InstanceMonitor
    let period: Duration
    let instanceType: InstanceType
    let output: any LineOutput
    let logger: Logger

    /// How FC sizes the CPU of an instance when no cgroup quota says otherwise (monitoring manual).
    enum InstanceType: String, Sendable {
        /// On-demand instances: 1536 MB of memory per vCPU (128 MB → 8.33 %).
        case onDemand = "on-demand"
        /// Provisioned instances: 2048 MB per vCPU.
        case provisioned

        var megabytesPerCPU: Double { self == .onDemand ? 1536 : 2048 }
    }

    /// The counters a sample is computed against: the previous sample's, and the runtime's start.
    struct Baseline: Sendable {
        var cpuNanoseconds: Int64?
        var network: (received: Int64, transmitted: Int64)?
        var startNetwork: (received: Int64, transmitted: Int64)?
    }

    func run() async throws {
        // Graceful shutdown cancels the sleep, so the sampler never delays the instance's exit.
        try? await cancelWhenGracefulShutdown {
            var baseline = initialBaseline()
            while !Task.isCancelled {
                try await Task.sleep(for: period)
                let (record, next) = sample(after: baseline)
                baseline = next
                output.writeLine(record.lineBytes)
            }
        }
    }

    func initialBaseline() -> Baseline {
        let network = monitor.reader.networkBytes()
        return Baseline(cpuNanoseconds: monitor.reader.cpuTimeNanoseconds(), network: network, startNetwork: network)
    }

    /// One record for the period since `baseline`, and the baseline for the next period.
    func sample(after baseline: Baseline) -> (InstanceMetricsRecord, Baseline) {
        let reader = monitor.reader
        let names = monitor.lastNames
        let periodSeconds = Double(period.components.seconds) + Double(period.components.attoseconds) / 1e18

        let cpu = reader.cpuTimeNanoseconds()
        var cpuPercent = 0.0
        if let cpu, let previous = baseline.cpuNanoseconds, periodSeconds > 0 {
            cpuPercent = Double(max(0, cpu - previous)) / (periodSeconds * 1e9) * 100
        } else if cpu == nil {
            monitor.warnOnce(field: "cpuPercent", "cannot read the CPU accounting (cgroup cpu.stat / cpuacct.usage, /proc/self/stat)", logger: logger)
        }
        let quota = reader.cgroupCPUQuotaPercent() ?? Double(names.memoryMB) / instanceType.megabytesPerCPU * 100

        let usage = monitor.memoryUsageBytes()
        if usage == nil { monitor.warnOnce(field: "memoryUsageMB", "cannot read the memory usage (cgroup memory, /proc/self/status)", logger: logger) }
        let limit = monitor.memoryLimitBytes(functionMemoryMB: names.memoryMB)
        let usageMB = usage?.megabytes ?? 0
        let limitMB = limit?.megabytes ?? 0

        let network = reader.networkBytes()
        if network == nil { monitor.warnOnce(field: "rxBytes", "cannot read /proc/net/dev", logger: logger) }
        func delta(_ now: Int64?, _ before: Int64?) -> Int64 { now.flatMap { n in before.map { max(0, n - $0) } } ?? 0 }

        let record = InstanceMetricsRecord(
            aggPeriodSeconds: Int(periodSeconds.rounded()),
            concurrentRequests: monitor.takePeakInFlight(),
            cpuPercent: cpuPercent,
            cpuQuotaPercent: quota,
            functionName: names.functionName,
            hostname: monitor.host.hostname,
            instanceID: monitor.instanceID,
            ipAddress: monitor.host.ipAddress,
            memoryLimitMB: limitMB,
            memoryUsageMB: usageMB,
            memoryUsagePercent: limitMB > 0 ? usageMB / limitMB * 100 : 0,
            qualifier: names.qualifier,
            rxBytes: delta(network?.received, baseline.network?.received),
            rxTotalBytes: delta(network?.received, baseline.startNetwork?.received),
            serviceName: names.serviceName,
            txBytes: delta(network?.transmitted, baseline.network?.transmitted),
            txTotalBytes: delta(network?.transmitted, baseline.startNetwork?.transmitted),
            versionID: names.versionID
        )
        let next = Baseline(
            cpuNanoseconds: cpu ?? baseline.cpuNanoseconds, network: network ?? baseline.network,
            startNetwork: baseline.startNetwork ?? network)
        return (record, next)
    }
}
