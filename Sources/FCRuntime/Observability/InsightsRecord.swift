/// The per-invocation monitoring record (monitoring manual; CONTRACT §5), written on the line right after the
/// invocation's End line: `FCInsights:<serviceName>/<functionName> {compact JSON}`.
struct InsightsRecord: Sendable {
    enum ErrorType: String, Sendable {
        case timeout = "FunctionTimeoutError"
        case unhandled = "FunctionUnhandledError"
        case outOfMemory = "FunctionOOMError"
    }

    var serviceName: String
    var functionName: String
    var versionID: String
    var qualifier: String
    var requestID: String
    var memoryMB: Int
    var memoryUsageMB: Double
    var durationMs: Double
    var isColdStart: Bool
    var errorType: ErrorType?
    /// Only on the cold-start invocation, when an initializer ran.
    var initializationDurationMs: Double?
    /// Only when the invocation is traced.
    var traceContext: TraceContext?
    var isSampled: Bool?
    // FC 3.0 fields (documented in the README).
    var invocationStartTimestamp: Int64
    var instanceID: String
    var hostname: String
    var invocationType: String

    /// The span context a traced invocation's record names (`traceContext`, `traceId:spanId:parentSpanId:flags`).
    enum TraceContext: Sendable, Equatable {
        /// FC's span-context header as it arrived.
        case header(String)
        /// A span context read from W3C headers or started here, written digit by digit (formatting it as a string
        /// first, then quoting that, cost ~1,100 instructions per traced invocation).
        case spanContext(JaegerSpanContext)
    }

    /// The topic the log store groups records by.
    var topic: String { "FCInsights:\(serviceName)/\(functionName)" }

    /// The whole line, topic then JSON, newline included.
    var lineBytes: [UInt8] { json.finishLine().finish() }

    /// The line as text, without the newline.
    var line: String { json.text }

    /// Appends the whole line, newline included, to `writer` (the End line's, so that both leave in one write),
    /// taking its constant parts from `cache`. The bytes are the same as ``lineBytes``.
    func appendLine(to writer: inout ByteWriter, cache: InsightsLineCache) {
        let (head, tail) = cache.parts(for: self)
        writer.append(head)
        var json = RecordJSON.continuing(writer)
        addInvocationMembers(to: &json)
        json.append(fragment: tail)
        writer = json.finishLine()
    }

    private var json: RecordJSON {
        var json = RecordJSON.continuing(ByteWriter(copying: head, extraCapacity: 512))
        addInvocationMembers(to: &json)
        json.append(fragment: tail)
        return json
    }

    /// The topic and the members that name the function: the same for every invocation of a function version.
    var head: [UInt8] {
        var json = RecordJSON(topic: topic)
        json.add("serviceName", serviceName)
        json.add("functionName", functionName)
        json.add("versionId", versionID)
        json.add("qualifier", qualifier)
        return json.bytes
    }

    /// The members that close the object and name the instance: the same for every invocation of a kind.
    var tail: [UInt8] {
        var json = RecordJSON.fragment()
        json.add("instanceID", instanceID)
        json.add("hostname", hostname)
        json.add("invocationType", invocationType)
        return json.bytes
    }

    /// The members of this invocation, in the manual's order.
    private func addInvocationMembers(to json: inout RecordJSON) {
        json.add("requestId", requestID)
        json.add("operation", "invocation")
        json.add("memoryMB", memoryMB)
        json.add("memoryUsageMB", twoDecimals: memoryUsageMB)
        json.add("durationMs", twoDecimals: durationMs)
        json.add("isColdStart", isColdStart)
        json.add("hasFunctionError", errorType != nil)
        if let errorType { json.add("errorType", errorType.rawValue) }
        if let initializationDurationMs { json.add("initializationDurationMs", twoDecimals: initializationDurationMs) }
        if let traceContext {
            switch traceContext {
            case .header(let text): json.add("traceContext", text)
            case .spanContext(let spanContext): json.add("traceContext", spanContext: spanContext)
            }
            json.add("isSampled", isSampled ?? false)
        }
        json.add("invocationStartTimestamp", invocationStartTimestamp)
    }
}

/// The per-instance record written every aggregation period: `FCInstanceMetrics:<serviceName>/<functionName> {…}`.
struct InstanceMetricsRecord: Sendable, Equatable {
    var aggPeriodSeconds: Int
    var concurrentRequests: Int
    var cpuPercent: Double
    var cpuQuotaPercent: Double
    var functionName: String
    var hostname: String
    var instanceID: String
    var ipAddress: String
    var memoryLimitMB: Double
    var memoryUsageMB: Double
    var memoryUsagePercent: Double
    var qualifier: String
    var rxBytes: Int64
    var rxTotalBytes: Int64
    var serviceName: String
    var txBytes: Int64
    var txTotalBytes: Int64
    var versionID: String

    var topic: String { "FCInstanceMetrics:\(serviceName)/\(functionName)" }

    /// The whole line, newline included.
    var lineBytes: [UInt8] { json.finishLine().finish() }

    /// The line as text, without the newline.
    var line: String { json.text }

    private var json: RecordJSON {
        var json = RecordJSON(topic: topic)
        json.add("aggPeriodSeconds", aggPeriodSeconds)
        json.add("concurrentRequests", concurrentRequests)
        json.add("cpuPercent", twoDecimals: cpuPercent)
        json.add("cpuQuotaPercent", twoDecimals: cpuQuotaPercent)
        json.add("functionName", functionName)
        json.add("hostname", hostname)
        json.add("instanceID", instanceID)
        json.add("ipAddress", ipAddress)
        json.add("memoryLimitMB", twoDecimals: memoryLimitMB)
        json.add("memoryUsageMB", twoDecimals: memoryUsageMB)
        json.add("memoryUsagePercent", twoDecimals: memoryUsagePercent)
        json.add("operation", "CollectInstanceMetrics")
        json.add("qualifier", qualifier)
        json.add("rxBytes", rxBytes)
        json.add("rxTotalBytes", rxTotalBytes)
        json.add("serviceName", serviceName)
        json.add("txBytes", txBytes)
        json.add("txTotalBytes", txTotalBytes)
        json.add("versionId", versionID)
        return json
    }
}
