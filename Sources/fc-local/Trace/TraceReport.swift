import Foundation

/// Prints a trace as FC's console shows it (an indented tree: span name, duration, application, start time) and
/// writes traces in the JSON shape of Jaeger's query API (`GET /api/traces/{id}`).
enum TraceReport {
    /// The tree, children under their parent in start order; spans whose parent is unknown are roots.
    static func tree(_ spans: [CollectedSpan], style: TerminalStyle) -> String {
        let ids = Set(spans.map(\.spanID))
        let children = Dictionary(grouping: spans.filter { $0.parentSpanID.map(ids.contains) ?? false }, by: { $0.parentSpanID ?? "" })
        let roots = spans.filter { !($0.parentSpanID.map(ids.contains) ?? false) }
        var rows: [(name: String, span: CollectedSpan)] = []
        func visit(_ span: CollectedSpan, depth: Int) {
            guard depth < 64 else { return }
            rows.append((String(repeating: "  ", count: depth) + span.name, span))
            for child in (children[span.spanID] ?? []).sorted(by: order) { visit(child, depth: depth + 1) }
        }
        for root in roots.sorted(by: order) { visit(root, depth: 0) }

        let nameWidth = max(9, rows.map(\.name.count).max() ?? 0) + 2
        let appWidth = max(16, spans.map(\.serviceName.count).max() ?? 0) + 2
        var text = style.heading("Trace \(spans.first?.traceID ?? "")") + " (\(spans.count) spans)\n"
        text += pad("Span", nameWidth) + leftPad("Duration", 11) + "  " + pad("Application", appWidth) + "Start time\n"
        for row in rows {
            let duration = String(format: "%.2f ms", Double(row.span.durationMicroseconds) / 1000)
            text += pad(row.name, nameWidth) + leftPad(duration, 11) + "  " + pad(row.span.serviceName, appWidth)
                + clock(row.span.startMicroseconds) + "\n"
        }
        return text
    }

    /// `{"data": [{"traceID", "spans": [...], "processes": {...}}], …}` as Jaeger's query service answers.
    static func jaegerJSON(_ traces: [[CollectedSpan]]) throws -> Data {
        let data: [[String: Any]] = traces.map { spans in
            var processIDs: [String: String] = [:]
            for name in spans.map(\.serviceName) where processIDs[name] == nil { processIDs[name] = "p\(processIDs.count + 1)" }
            let jsonSpans: [[String: Any]] = spans.sorted(by: order).map { span in
                [
                    "traceID": span.traceID, "spanID": span.spanID, "operationName": span.name, "flags": span.flags,
                    "references": span.parentSpanID.map { [["refType": "CHILD_OF", "traceID": span.traceID, "spanID": $0]] } ?? [],
                    "startTime": span.startMicroseconds, "duration": span.durationMicroseconds,
                    "tags": span.tags.map(json), "logs": [] as [Any], "processID": processIDs[span.serviceName] ?? "p1",
                    "warnings": NSNull(),
                ]
            }
            let processes = Dictionary(uniqueKeysWithValues: processIDs.map { name, id in (id, ["serviceName": name, "tags": [] as [Any]] as [String: Any]) })
            return ["traceID": spans.first?.traceID ?? "", "spans": jsonSpans, "processes": processes, "warnings": NSNull()]
        }
        let object: [String: Any] = ["data": data, "total": 0, "limit": 0, "offset": 0, "errors": NSNull()]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    private static func json(_ tag: CollectedSpan.Tag) -> [String: Any] {
        let value: Any =
            switch tag.value {
            case .string(let text): text
            case .bool(let flag): flag
            case .int(let number): number
            case .double(let number): number
            }
        return ["key": tag.key, "type": tag.type, "value": value]
    }

    private static func order(_ a: CollectedSpan, _ b: CollectedSpan) -> Bool {
        a.startMicroseconds != b.startMicroseconds ? a.startMicroseconds < b.startMicroseconds : a.name < b.name
    }

    /// Right-aligns `text` in `width` columns (durations line up on the decimal point).
    private static func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// Local wall-clock time with milliseconds, as the console shows it.
    private static func clock(_ microseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return formatter.string(from: Date(timeIntervalSince1970: Double(microseconds) / 1_000_000))
    }
}
