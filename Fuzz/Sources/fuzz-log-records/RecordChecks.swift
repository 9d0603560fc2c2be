import FuzzSupport

@testable import FCRuntime

/// Two `FCInsights` records (the second often sharing the first's function or instance) through one line cache,
/// as the engine writes them after an End line; each must equal the plain encoding and decode to its values.
func checkInsightsRecords(_ input: inout FuzzInput) {
    let first = insightsRecord(&input, like: nil)
    let second = insightsRecord(&input, like: first)
    trace("\(first)\n\(second)")
    let cache = InsightsLineCache()
    for record in [first, second] {
        let plain = record.lineBytes
        var writer = ByteWriter(copying: Array("FC Invoke End RequestId: r\n".utf8), extraCapacity: 0)
        record.appendLine(to: &writer, cache: cache)
        let viaCache = writer.finish()
        require(viaCache == Array("FC Invoke End RequestId: r\n".utf8) + plain, "the cached record differs from the plain one:\n\(text(viaCache))\n\(text(plain))")
        require(record.line == String(decoding: plain.dropLast(), as: UTF8.self), "line ≠ lineBytes")
        requireRecord(plain, topic: "FCInsights:\(record.serviceName)/\(record.functionName)", members: expectedMembers(record))
    }
}

func checkInstanceMetricsRecord(_ input: inout FuzzInput) {
    let record = InstanceMetricsRecord(
        aggPeriodSeconds: Int(truncatingIfNeeded: input.int64()), concurrentRequests: Int(truncatingIfNeeded: input.int64()),
        cpuPercent: input.double(), cpuQuotaPercent: input.double(), functionName: input.string(maxCount: 64),
        hostname: input.string(maxCount: 64), instanceID: input.string(maxCount: 64), ipAddress: input.string(maxCount: 64),
        memoryLimitMB: input.double(), memoryUsageMB: input.double(), memoryUsagePercent: input.double(),
        qualifier: input.string(maxCount: 64), rxBytes: input.int64(), rxTotalBytes: input.int64(), serviceName: input.string(maxCount: 64),
        txBytes: input.int64(), txTotalBytes: input.int64(), versionID: input.string(maxCount: 64))
    trace("\(record)")
    let members: [String: JSONPattern] = [
        "aggPeriodSeconds": .value(.integer(Int64(record.aggPeriodSeconds))), "concurrentRequests": .value(.integer(Int64(record.concurrentRequests))),
        "cpuPercent": twoDecimals(record.cpuPercent), "cpuQuotaPercent": twoDecimals(record.cpuQuotaPercent),
        "functionName": .value(.string(record.functionName)), "hostname": .value(.string(record.hostname)),
        "instanceID": .value(.string(record.instanceID)), "ipAddress": .value(.string(record.ipAddress)),
        "memoryLimitMB": twoDecimals(record.memoryLimitMB), "memoryUsageMB": twoDecimals(record.memoryUsageMB),
        "memoryUsagePercent": twoDecimals(record.memoryUsagePercent), "operation": .value(.string("CollectInstanceMetrics")),
        "qualifier": .value(.string(record.qualifier)), "rxBytes": .value(.integer(record.rxBytes)),
        "rxTotalBytes": .value(.integer(record.rxTotalBytes)), "serviceName": .value(.string(record.serviceName)),
        "txBytes": .value(.integer(record.txBytes)), "txTotalBytes": .value(.integer(record.txTotalBytes)),
        "versionId": .value(.string(record.versionID)),
    ]
    requireRecord(record.lineBytes, topic: "FCInstanceMetrics:\(record.serviceName)/\(record.functionName)", members: members)
    for key in ["cpuPercent", "cpuQuotaPercent", "memoryLimitMB", "memoryUsageMB", "memoryUsagePercent"] {
        requireTwoDecimalsFormat(record.lineBytes, key: key)
    }
}

private func insightsRecord(_ input: inout FuzzInput, like previous: InsightsRecord?) -> InsightsRecord {
    var record = InsightsRecord(
        serviceName: input.string(maxCount: 64), functionName: input.string(maxCount: 64), versionID: input.string(maxCount: 16),
        qualifier: input.string(maxCount: 16), requestID: input.string(maxCount: 64), memoryMB: Int(truncatingIfNeeded: input.int64()),
        memoryUsageMB: input.double(), durationMs: input.double(), isColdStart: input.bool(),
        errorType: input.pick([nil, .timeout, .unhandled, .outOfMemory]), initializationDurationMs: input.bool() ? input.double() : nil,
        traceContext: traceContext(&input), isSampled: input.pick([nil, true, false]),
        invocationStartTimestamp: input.int64(), instanceID: input.string(maxCount: 32), hostname: input.string(maxCount: 32),
        invocationType: input.bool() ? input.string(maxCount: 16) : input.pick(["Sync", "Async"]))
    if let previous {
        if input.bool() {
            (record.serviceName, record.functionName, record.versionID, record.qualifier) =
                (previous.serviceName, previous.functionName, previous.versionID, previous.qualifier)
        }
        if input.bool() { (record.instanceID, record.hostname, record.invocationType) = (previous.instanceID, previous.hostname, previous.invocationType) }
    }
    return record
}

private func expectedMembers(_ record: InsightsRecord) -> [String: JSONPattern] {
    var members: [String: JSONPattern] = [
        "serviceName": .value(.string(record.serviceName)), "functionName": .value(.string(record.functionName)),
        "versionId": .value(.string(record.versionID)), "qualifier": .value(.string(record.qualifier)),
        "requestId": .value(.string(record.requestID)), "operation": .value(.string("invocation")),
        "memoryMB": .value(.integer(Int64(record.memoryMB))), "memoryUsageMB": twoDecimals(record.memoryUsageMB),
        "durationMs": twoDecimals(record.durationMs), "isColdStart": .value(.bool(record.isColdStart)),
        "hasFunctionError": .value(.bool(record.errorType != nil)),
        "invocationStartTimestamp": .value(.integer(record.invocationStartTimestamp)), "instanceID": .value(.string(record.instanceID)),
        "hostname": .value(.string(record.hostname)), "invocationType": .value(.string(record.invocationType)),
    ]
    if let errorType = record.errorType { members["errorType"] = .value(.string(errorType.rawValue)) }
    if let duration = record.initializationDurationMs { members["initializationDurationMs"] = twoDecimals(duration) }
    if let traceContext = record.traceContext {
        members["traceContext"] = .value(.string(expectedText(traceContext)))
        members["isSampled"] = .value(.bool(record.isSampled ?? false))
    }
    return members
}

/// No trace context, FC's header as any text, or a span context with any ids (a zero trace or span id is made 1).
private func traceContext(_ input: inout FuzzInput) -> InsightsRecord.TraceContext? {
    switch input.int(below: 3) {
    case 0: return nil
    case 1: return .header(input.string(maxCount: 64))
    default:
        let high = input.bool() ? input.uint64() : 0
        let low = input.uint64()
        let context = JaegerSpanContext(
            traceIDHigh: high, traceIDLow: high == 0 && low == 0 ? 1 : low, spanID: max(1, input.uint64()),
            parentSpanID: input.bool() ? input.uint64() : 0, flags: input.byte())
        return context.map { .spanContext($0) }
    }
}

/// The text a record must hold for `traceContext`, formatted here with the standard library's radix conversion:
/// a 16- or 32-digit trace id, a 16-digit span id, the parent and flags unpadded.
private func expectedText(_ traceContext: InsightsRecord.TraceContext) -> String {
    switch traceContext {
    case .header(let text): return text
    case .spanContext(let context):
        func padded(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        let trace = (context.traceIDHigh == 0 ? "" : padded(context.traceIDHigh)) + padded(context.traceIDLow)
        return "\(trace):\(padded(context.spanID)):\(String(context.parentSpanID, radix: 16)):\(String(context.flags, radix: 16))"
    }
}

/// A figure with two decimals: the value rounded to hundredths; 0 for NaN and infinities. Beyond what 64 bits of
/// hundredths hold the figure is clamped, so only its sign is checked there.
private func twoDecimals(_ value: Double) -> JSONPattern {
    guard value.isFinite else { return .double(0) }
    let magnitude = abs(value)
    guard magnitude < 9e16 else { return .approximately(value < 0 ? -9.2e16 : 9.2e16, tolerance: 9.2e16) }
    return .approximately(value, tolerance: 0.005 + magnitude * 1e-15)
}

/// The line is one line: the escaped topic, a space, then a JSON object with exactly `members`.
private func requireRecord(_ line: [UInt8], topic: String, members: [String: JSONPattern]) {
    let content = LineRules.requireSingleLine(line, what: "record")
    let prefix = Array((LineUnescaping.escape(topic) + " ").utf8)
    require(content.starts(with: prefix), "the record does not start with its escaped topic: \(text(content))")
    JSONPattern.object(members).requireMatch(JSONValue.parse(Array(content.dropFirst(prefix.count))), at: topic)
}

/// The member is written as `-?digits.dd`. (A member name cannot occur inside a string: quotes there are escaped.)
private func requireTwoDecimalsFormat(_ line: [UInt8], key: String) {
    let text = String(decoding: line, as: UTF8.self)
    guard let range = text.firstRange(of: "\"\(key)\":") else { return require(false, "no \(key)") }
    let number = text[range.upperBound...].prefix { $0 != "," && $0 != "}" }
    require(number.wholeMatch(of: /-?\d+\.\d\d/) != nil, "\(key) is \(visible(String(number)))")
}

private func text(_ bytes: [UInt8]) -> String { visible(String(decoding: bytes, as: UTF8.self)) }
