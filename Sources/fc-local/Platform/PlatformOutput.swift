import Foundation

/// fc-local's own lines on standard error while it serves (start-up, instance events, warnings), never carrying a
/// secret: callers pass names and counts, not credentials or endpoints.
struct PlatformOutput: Sendable {
    let style: TerminalStyle

    func info(_ message: String) { write(style.good("fc-local: ") + message) }

    func warning(_ message: String) { write(style.bad("fc-local: warning: ") + message) }

    private func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
