import Foundation
import Synchronization

/// Relays the function's stdout and stderr to fc-local's stderr line by line as they arrive, and keeps what
/// fc-local needs from them: the `FCInsights` records (by request id) and the recent lines for error messages.
final class OutputRelay: Sendable {
    private struct State {
        var partial: [ObjectIdentifier: [UInt8]] = [:]
        var recent: [String] = []
        var insights: [String: InsightsSummary] = [:]
    }

    private let state = Mutex(State())
    private let style: TerminalStyle
    private let echo: Bool

    init(style: TerminalStyle, echo: Bool = true) {
        self.style = style
        self.echo = echo
    }

    func attach(_ handle: FileHandle) {
        let key = ObjectIdentifier(handle)
        handle.readabilityHandler = { [self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                flush(key)
                return
            }
            let lines: [String] = state.withLock { state in
                var buffer = state.partial[key, default: []] + data
                var complete: [String] = []
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    complete.append(String(decoding: buffer[..<newline], as: UTF8.self))
                    buffer.removeSubrange(...newline)
                }
                state.partial[key] = buffer
                return complete
            }
            lines.forEach(receive)
        }
    }

    private func flush(_ key: ObjectIdentifier) {
        let rest = state.withLock { $0.partial.removeValue(forKey: key) } ?? []
        if !rest.isEmpty { receive(String(decoding: rest, as: UTF8.self)) }
    }

    private func receive(_ line: String) {
        var record: InsightsSummary?
        if line.hasPrefix("FCInsights:"), let space = line.firstIndex(of: " ") {
            record = try? JSONDecoder().decode(InsightsSummary.self, from: Data(line[line.index(after: space)...].utf8))
        }
        state.withLock { state in
            state.recent.append(line)
            if state.recent.count > 40 { state.recent.removeFirst(state.recent.count - 40) }
            if let record { state.insights[record.requestId] = record }
        }
        if echo { FileHandle.standardError.write(Data((style.functionLine(line) + "\n").utf8)) }
    }

    /// The last lines the function wrote.
    var recentOutput: String { state.withLock { $0.recent.joined(separator: "\n") } }

    /// The `FCInsights` record of a request, waiting up to `timeout` for it to arrive.
    func insights(for requestID: String, timeout: Duration = .milliseconds(500)) async -> InsightsSummary? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        repeat {
            if let record = state.withLock({ $0.insights[requestID] }) { return record }
            try? await Task.sleep(for: .milliseconds(5))
        } while ContinuousClock.now < deadline
        return nil
    }
}

/// The fields of an `FCInsights` record fc-local shows.
struct InsightsSummary: Decodable, Sendable {
    let requestId: String
    let durationMs: Double
    let memoryUsageMB: Double
    let isColdStart: Bool
    let initializationDurationMs: Double?
    let errorType: String?
}
