import Foundation

/// The FC-console-like report on stderr: per invocation, and latency statistics for `--repeat`.
enum Summary {
    static func print(
        _ result: InvocationResult, record: InsightsSummary?, memoryMB: Int, readyAfter: Duration, style: TerminalStyle, compact: Bool
    ) {
        let durationMs = record?.durationMs ?? result.latency.milliseconds
        let source = record == nil ? " (measured by fc-local: the function wrote no FCInsights record)" : ""
        let memoryUsed = record.map { String(format: "%.2f", $0.memoryUsageMB) } ?? "?"
        let cold = record.map { $0.isColdStart ? "yes" : "no" } ?? "?"
        let status = result.isFunctionError ? style.bad("function error") : style.good("ok")
        if compact {
            write("\(result.requestID)  \(status)  \(String(format: "%.2f", durationMs)) ms  latency \(String(format: "%.2f", result.latency.milliseconds)) ms  cold \(cold)")
            return
        }
        var lines = [
            style.heading("── Invocation \(status)"),
            "  Request ID          \(result.requestID)",
            "  Duration            \(String(format: "%.2f", durationMs)) ms\(source)",
            "  Billed duration     \(Int(durationMs.rounded(.up))) ms",
            "  Memory used / limit \(memoryUsed) MB / \(memoryMB) MB",
            "  Cold start          \(cold)",
        ]
        if cold == "yes" { lines.append("  Instance ready      \(String(format: "%.2f", readyAfter.milliseconds)) ms after spawn") }
        if let initialization = record?.initializationDurationMs {
            lines.append("  Initializer         \(String(format: "%.2f", initialization)) ms")
        }
        if let errorType = record?.errorType { lines.append("  Error type          \(errorType)") }
        write(lines.joined(separator: "\n"))
    }

    static func printStatistics(_ results: [InvocationResult], style: TerminalStyle) {
        let latencies = results.map(\.latency.milliseconds)
        let warm = latencies.dropFirst().sorted()
        func percentile(_ p: Double, _ values: [Double]) -> Double {
            values.isEmpty ? 0 : values[min(values.count - 1, Int((Double(values.count) * p).rounded(.up)) - 1)]
        }
        let all = latencies.sorted()
        let errors = results.filter(\.isFunctionError).count
        write(
            [
                style.heading("── \(results.count) invocations, \(errors) function errors"),
                "  latency p50 \(format(percentile(0.5, all)))  p90 \(format(percentile(0.9, all)))  p99 \(format(percentile(0.99, all)))  max \(format(all.last ?? 0))",
                "  cold \(format(latencies[0]))  vs warm p50 \(format(percentile(0.5, Array(warm))))",
            ].joined(separator: "\n"))
    }

    private static func format(_ milliseconds: Double) -> String { String(format: "%.2f ms", milliseconds) }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
    /// Whole microseconds (span times are in µs).
    var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}
