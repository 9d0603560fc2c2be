import Foundation

/// Puts fc-local's platform spans and the function's collected spans together per invocation, prints each trace tree
/// on standard error and writes them as Jaeger JSON when asked.
struct TraceOutput {
    let collector: TraceCollector
    let serviceName: String
    let style: TerminalStyle

    func report(_ results: [InvocationResult], coldStart: PlatformTrace.ColdStart, outputFile: String?) throws {
        var traces: [[CollectedSpan]] = []
        for (index, result) in results.enumerated() {
            guard let trace = result.trace else { continue }
            let end = result.startedAtMicroseconds + result.latency.microseconds
            let platformSpans = trace.platformSpans(
                serviceName: serviceName, requestStart: result.startedAtMicroseconds, requestEnd: end, coldStart: index == 0 ? coldStart : nil)
            traces.append(platformSpans + collector.spans(ofTrace: trace.traceID))
        }
        for spans in traces {
            FileHandle.standardError.write(Data(("\n" + TraceReport.tree(spans, style: style)).utf8))
        }
        for rejection in collector.rejections {
            FileHandle.standardError.write(Data(style.bad("fc-local: the trace collector refused a body: \(rejection)\n").utf8))
        }
        if let outputFile {
            do {
                try TraceReport.jaegerJSON(traces).write(to: URL(fileURLWithPath: outputFile))
            } catch {
                throw LocalError.usage("cannot write the trace to \(outputFile): \(error.localizedDescription)")
            }
        }
    }
}
