import Foundation
import GRDB

/// How an invocation ended, as the platform counts it in its metrics.
enum InvocationOutcome: String, Codable, Sendable, CaseIterable {
    /// The function answered without error.
    case success
    /// The function ran and failed (an error answer, a timeout): counted in FunctionErrors, billable.
    case functionError
    /// Refused because every instance was busy (429 ResourceThrottled): counted in Throttles, not billable.
    case throttled
    /// Refused before reaching the function because the request was invalid (4xx): not billable.
    case clientError
    /// The platform failed (an instance crashed or could not start; 5xx): counted in ServerErrors.
    case serverError

    /// Whether the function ran (FC bills these).
    var isBillable: Bool { self == .success || self == .functionError }
}

/// One invocation as the platform saw it, joined with the function's `FCInsights` record when it wrote one.
struct InvocationRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "invocation"

    var requestID: String
    var region: String
    var service: String
    var function: String
    /// `event`, `http` or `async`.
    var trigger: String
    /// When the platform received the request, in milliseconds since the epoch.
    var startedAt: Int64
    /// Request received → answer sent, as the platform measured it.
    var latencyMs: Double
    /// The status the caller got.
    var status: Int
    var outcome: InvocationOutcome
    /// FC's error type (`FunctionUnhandledError`, `FunctionTimeoutError`, …) or the platform's error code.
    var errorType: String?
    /// From `FCInsights`: the function's duration, memory used and cold start flag (nil when it wrote none).
    var durationMs: Double?
    var memoryUsageMB: Double?
    var memoryMB: Int
    var isColdStart: Bool
    /// Invocations of this function in flight on the platform when this one started (itself included).
    var concurrency: Int
    var instanceID: String?
}

/// One `FCInstanceMetrics` record an instance wrote.
struct InstanceMetricsRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "instanceMetrics"

    var service: String
    var function: String
    var instanceID: String
    /// When the platform read the record, in milliseconds since the epoch.
    var timestamp: Int64
    var cpuPercent: Double
    var cpuQuotaPercent: Double
    var memoryUsageMB: Double
    var memoryLimitMB: Double
    var memoryUsagePercent: Double
    var rxBytes: Int64
    var txBytes: Int64
    var concurrentRequests: Int
}

/// An asynchronous invocation: accepted with 202, kept until it ran, with its result afterwards.
struct AsyncInvocationRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "asyncInvocation"

    enum State: String, Codable, Sendable {
        case queued, running, succeeded, failed
    }

    /// The queue position (SQLite's rowid): invocations of a function run in this order.
    var id: Int64?
    var requestID: String
    var service: String
    var function: String
    var payload: Data
    /// The caller's headers passed on to the function, as a JSON object.
    var headers: String
    var enqueuedAt: Int64
    var state: State
    var attempts: Int
    var status: Int?
    var response: Data?
    var errorType: String?
    var finishedAt: Int64?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The tracing AK/SK set for a function through the tracing-configuration API.
struct TracingConfigurationRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "tracingConfiguration"

    var service: String
    var function: String
    var accessKey: String
    var secretKey: String
    var updatedAt: Int64
}

/// A span the collector kept (the function's, or one of the platform's own).
struct SpanRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "span"

    var traceID: String
    var spanID: String
    var application: String
    var startMicroseconds: Int64
    /// The whole span as JSON.
    var body: Data
}

/// A function process fc-local started, so that one left behind by a killed fc-local is stopped on the next start.
struct InstanceProcessRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "instanceProcess"

    var pid: Int32
    /// The process's start time in clock ticks since boot (`/proc/PID/stat` field 22): a reused pid has another.
    var startTicks: Int64
    var instanceID: String
}
