import Foundation

/// Reads an `FCInstanceMetrics` record (the JSON after the topic) into what the platform stores.
enum InstanceMetricsParser {
    private struct Fields: Decodable {
        let cpuPercent: Double?
        let cpuQuotaPercent: Double?
        let memoryUsageMB: Double?
        let memoryLimitMB: Double?
        let memoryUsagePercent: Double?
        let rxBytes: Int64?
        let txBytes: Int64?
        let concurrentRequests: Int?
    }

    /// The record, or nil when the JSON is not an object of the expected fields.
    static func record(_ json: Data, key: FunctionKey, instanceID: String, now: Date = Date()) -> InstanceMetricsRecord? {
        guard let fields = try? JSONDecoder().decode(Fields.self, from: json) else { return nil }
        return InstanceMetricsRecord(
            service: key.service, function: key.function, instanceID: instanceID, timestamp: Int64(now.timeIntervalSince1970 * 1000),
            cpuPercent: fields.cpuPercent ?? 0, cpuQuotaPercent: fields.cpuQuotaPercent ?? 0, memoryUsageMB: fields.memoryUsageMB ?? 0,
            memoryLimitMB: fields.memoryLimitMB ?? 0, memoryUsagePercent: fields.memoryUsagePercent ?? 0, rxBytes: fields.rxBytes ?? 0,
            txBytes: fields.txBytes ?? 0, concurrentRequests: fields.concurrentRequests ?? 0)
    }
}
