import FuzzSupport
import Logging

@testable import FCRuntime

/// Everything one context is printed into, gathered as an invocation would print it.
struct Printed: Equatable {
    var texts: [String]
    var writes: [[UInt8]]

    init(_ context: FCContext, output: CollectingOutput) {
        var dumped = ""
        dump(context, to: &dumped)
        // A dictionary dumps in its own (per-instance) order: compare the dump's lines as a sorted list.
        dumped = dumped.split(separator: "\n").sorted().joined(separator: "\n")
        texts = [context.description, String(reflecting: context), dumped, "\(context.credentials)", "\(context.tracing)"]
            + context.headerWarnings

        // What the pipeline writes for one invocation: Start, the warnings (as log lines), End + FCInsights.
        output.writeLine(FCLogLine.startLine(.invoke, requestID: context.requestID))
        let logger = context.logger
        for warning in context.headerWarnings { logger.warning("\(warning)") }
        logger.info("handled", metadata: ["client": "\(context.clientIP)", "path": "\(context.basePath)"])
        let record = InsightsRecord(
            serviceName: context.service.name, functionName: context.function.name, versionID: context.service.versionID,
            qualifier: context.service.qualifier, requestID: context.requestID, memoryMB: context.function.memoryMB, memoryUsageMB: 1,
            durationMs: 2, isColdStart: context.isColdStart, errorType: nil, initializationDurationMs: nil,
            traceContext: context.tracing.spanContextIsOpenTracingHeader
                ? .header(context.tracing.openTracingSpanContext) : context.tracing.spanContext.map { .spanContext($0) },
            isSampled: context.tracing.spanContext?.isSampled, invocationStartTimestamp: 0, instanceID: context.instanceID, hostname: "h",
            invocationType: "Sync")
        var endWrite = FCLogLine.endLineWriter(.invoke, requestID: context.requestID, outcome: .success)
        record.appendLine(to: &endWrite, cache: InsightsLineCache())
        output.writeLine(endWrite.finish())
        writes = output.writes

        let start = LineRules.requireSingleLine(writes[0], what: "Start line")
        let prefix = Array("FC Invoke Start RequestId: ".utf8)
        require(start.starts(with: prefix), "Start line \(visible(String(decoding: start, as: UTF8.self)))")
        if !context.requestID.contains("\\") {
            require(LineUnescaping.unescape(Array(start.dropFirst(prefix.count))) == Array(context.requestID.utf8), "the request id does not read back")
        }
        for write in writes.dropFirst().dropLast() { LineRules.requireSingleLine(write, what: "log line") }
        let end = LineRules.requireCompleteLines(writes[writes.count - 1], what: "End line + record")
        require(end.count == 2, "End line + record is \(end.count) lines")
        let topic = Array((LineUnescaping.escape("FCInsights:\(context.service.name)/\(context.function.name)") + " ").utf8)
        require(end[1].starts(with: topic), "the record's topic")
        let json = JSONValue.parse(Array(end[1].dropFirst(topic.count)))
        require(json?["requestId"] == .string(context.requestID), "the record's requestId: \(String(describing: json?["requestId"]))")
        require(json?["functionName"] == .string(context.function.name), "the record's functionName")
    }

    /// The output with log timestamps removed and a generated request id (random per context) replaced.
    func normalized(requestID: String) -> Printed {
        func replace(_ text: String) -> String { text.replacing(requestID, with: "<request-id>") }
        return Printed(
            texts: texts.map(replace),
            writes: writes.map { write in
                var text = String(decoding: write, as: UTF8.self)
                if text.first?.isNumber == true, let space = text.firstIndex(of: " ") { text = String(text[space...]) }
                return Array(replace(text).utf8)
            })
    }

    /// The first differing item, for the failure message.
    func differences(from other: Printed) -> String {
        for (mine, theirs) in zip(texts, other.texts) where mine != theirs {
            let myLines = mine.split(separator: "\n", omittingEmptySubsequences: false)
            let theirLines = theirs.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, (line, theirLine)) in zip(myLines, theirLines).enumerated() where line != theirLine {
                return "line \(index): \(visible(String(line)))\nvs\n\(visible(String(theirLine)))"
            }
            return "\(myLines.count) lines vs \(theirLines.count)"
        }
        for (mine, theirs) in zip(writes, other.writes) where mine != theirs {
            return "\(visible(String(decoding: mine, as: UTF8.self)))\nvs\n\(visible(String(decoding: theirs, as: UTF8.self)))"
        }
        return "\(texts.count)/\(writes.count) items vs \(other.texts.count)/\(other.writes.count)"
    }

    private init(texts: [String], writes: [[UInt8]]) {
        self.texts = texts
        self.writes = writes
    }
}
