import Foundation

/// Colors for fc-local's stderr: only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
///
/// Four ANSI sequences written out here: the common color libraries switch colors with a global mutable flag,
/// which Swift 6's strict concurrency rejects.
struct TerminalStyle: Sendable {
    let enabled: Bool

    static func forStandardError() -> TerminalStyle {
        TerminalStyle(enabled: isatty(2) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty)
    }

    /// A line of the function's output: FC's own lines dimmed, errors in red, warnings in yellow.
    func functionLine(_ line: String) -> String {
        if line.hasPrefix("FC ") || line.hasPrefix("FCInsights:") || line.hasPrefix("FCInstanceMetrics:") { return paint(line, "2") }
        if line.contains("[ERROR]") || line.contains(", Error: ") { return paint(line, "31") }
        if line.contains("[WARNING]") { return paint(line, "33") }
        return line
    }

    func heading(_ text: String) -> String { paint(text, "1") }
    func good(_ text: String) -> String { paint(text, "32") }
    func bad(_ text: String) -> String { paint(text, "1;31") }

    private func paint(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
