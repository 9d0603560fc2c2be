import FuzzSupport
import Logging

@testable import FCRuntime

/// The runtime's log output from arbitrary values: FC's Start/End lines, application log lines (`FCLogHandler`),
/// and the `FCInsights` / `FCInstanceMetrics` records. Every write must be whole lines without control
/// characters; the records must decode (with Foundation's JSON decoder) to exactly the values that went in; and the
/// hot path's cached record builder must write the same bytes as the plain one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogRecords(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    switch input.int(below: 4) {
    case 0: checkPlatformLines(&input)
    case 1: checkApplicationLine(&input)
    case 2: checkInsightsRecords(&input)
    default: checkInstanceMetricsRecord(&input)
    }
    return 0
}

private func checkPlatformLines(_ input: inout FuzzInput) {
    let requestID = input.string()
    let operation = input.pick(FCLogLine.Operation.allCases)
    let timeout = Duration.milliseconds(input.int(below: 65536) * 1319 + 1)
    let outcome = input.pick([FCLogLine.Outcome.success, .unhandledError, .timedOut(seconds: FunctionTimeoutError.seconds(timeout))])
    trace("\(operation) \(outcome) request id \(requestID)")
    let escaped = Array(LineUnescaping.escape(requestID).utf8)

    let start = LineRules.requireSingleLine(FCLogLine.startLine(operation, requestID: requestID), what: "Start line")
    require(start == Array("FC \(operation.rawValue) Start RequestId: ".utf8) + escaped, "Start line \(visible(String(decoding: start, as: UTF8.self)))")
    let end = LineRules.requireSingleLine(FCLogLine.endLine(operation, requestID: requestID, outcome: outcome), what: "End line")
    let suffix: String =
        switch outcome {
        case .success: ""
        case .unhandledError: ", Error: Unhandled function error"
        case .timedOut(let seconds): ", Error: Function timed out after \(seconds) seconds"
        }
    require(end == Array("FC \(operation.rawValue) End RequestId: ".utf8) + escaped + Array(suffix.utf8), "End line")
    if case .timedOut(let seconds) = outcome {
        require(Double(seconds).map { abs($0 - Double(timeout.components.seconds) - Double(timeout.components.attoseconds) / 1e18) < 1e-9 } ?? false, "timeout \(seconds)")
    }
    if !requestID.contains("\\") {
        require(LineUnescaping.unescape(escaped) == Array(requestID.utf8), "the request id does not read back")
    }
}

private func checkApplicationLine(_ input: inout FuzzInput) {
    let output = CollectingOutput()
    let requestID = input.string(maxCount: 64)
    let level = input.pick([Logger.Level.trace, .debug, .info, .notice, .warning, .error, .critical])
    var handler = FCLogHandler(requestID: requestID, output: output, logLevel: .trace)
    for _ in 0..<input.int(below: 3) { handler[metadataKey: input.string(maxCount: 16)] = metadataValue(&input, depth: 0) }
    let message = input.string()
    var metadata: Logger.Metadata = [:]
    for _ in 0..<input.int(below: 3) { metadata[input.string(maxCount: 16)] = metadataValue(&input, depth: 0) }
    trace("[\(level)] \(requestID) \(message) \(handler.metadata) \(metadata)")
    var logger = Logger(label: "fuzz") { _ in handler }
    logger.logLevel = .trace
    logger.log(level: level, "\(message)", metadata: metadata)

    require(output.writes.count == 1, "\(output.writes.count) writes for one record")
    let line = String(decoding: LineRules.requireSingleLine(output.writes[0], what: "log line"), as: UTF8.self)
    let timestamp = line.prefix(24)
    require(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "timestamp \(visible(String(timestamp)))")
    let levelName = level == .warning ? "WARNING" : "\(level)".uppercased()
    let expectedHead = " " + LineUnescaping.escape(requestID) + " [" + levelName + "] " + LineUnescaping.escape(message)
    require(line.dropFirst(24).utf8.starts(with: expectedHead.utf8), "log line \(visible(line))")
}

private func metadataValue(_ input: inout FuzzInput, depth: Int) -> Logger.MetadataValue {
    switch depth < 2 ? input.int(below: 4) : 0 {
    case 0: .string(input.string(maxCount: 32))
    case 1: .stringConvertible(FuzzDescribed(description: input.string(maxCount: 32)))
    case 2: .array((0..<input.int(below: 3)).map { _ in metadataValue(&input, depth: depth + 1) })
    default: .dictionary(Dictionary((0..<input.int(below: 3)).map { _ in (input.string(maxCount: 8), metadataValue(&input, depth: depth + 1)) }) { first, _ in first })
    }
}
