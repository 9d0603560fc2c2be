import Foundation
import Synchronization

/// Relays the function's stdout and stderr to fc-local's stderr line by line as they arrive, and keeps what
/// fc-local needs from them: the `FCInsights` records (by request id), the lines of requests being captured (for
/// `x-fc-log-result`), `FCInstanceMetrics` records, and the recent lines for error messages.
final class OutputRelay: Sendable {
    private struct State {
        var partial: [ObjectIdentifier: [UInt8]] = [:]
        var recent: [String] = []
        var insights: [String: InsightsSummary] = [:]
        var captures: [String: [String]] = [:]
        var sawInsights = false
        /// Callers waiting for a request's record.
        var waiters: [String: CheckedContinuation<InsightsSummary?, Never>] = [:]
    }

    private let state = Mutex(State())
    private let style: TerminalStyle
    private let echo: Bool
    /// Put before every relayed line (`fc-local start` serves several functions on one terminal).
    private let prefix: String
    /// Called with the JSON of every `FCInstanceMetrics` record.
    private let onInstanceMetrics: (@Sendable (Data) -> Void)?

    /// Lines kept per captured request (FC's log tail is the last 4 KB; this keeps enough to cut from).
    private static let capturedLinesLimit = 200

    init(style: TerminalStyle, echo: Bool = true, prefix: String = "", onInstanceMetrics: (@Sendable (Data) -> Void)? = nil) {
        self.style = style
        self.echo = echo
        self.prefix = prefix
        self.onInstanceMetrics = onInstanceMetrics
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
        } else if line.hasPrefix("FCInstanceMetrics:"), let space = line.firstIndex(of: " "), let onInstanceMetrics {
            onInstanceMetrics(Data(line[line.index(after: space)...].utf8))
        }
        let waiter = state.withLock { state -> CheckedContinuation<InsightsSummary?, Never>? in
            state.recent.append(line)
            if state.recent.count > 40 { state.recent.removeFirst(state.recent.count - 40) }
            var waiter: CheckedContinuation<InsightsSummary?, Never>?
            if let record {
                state.sawInsights = true
                waiter = state.waiters.removeValue(forKey: record.requestId)
                if waiter == nil { state.insights[record.requestId] = record }
                // Records nobody asked for (a caller that gave up) must not pile up in a long-running platform.
                if state.insights.count > 1000 { state.insights.removeAll() }
            }
            // A line naming a captured request is that request's; an anonymous line (print) is the only one's.
            let owner = state.captures.keys.first { line.contains($0) } ?? (state.captures.count == 1 ? state.captures.keys.first : nil)
            if let owner {
                state.captures[owner, default: []].append(line)
                if state.captures[owner]!.count > Self.capturedLinesLimit { state.captures[owner]!.removeFirst() }
            }
            return waiter
        }
        waiter?.resume(returning: record)
        if echo { FileHandle.standardError.write(Data((prefix + style.functionLine(line) + "\n").utf8)) }
    }

    /// Whether the function has written an `FCInsights` record yet (so that waiting for one is worth it).
    var writesInsights: Bool { state.withLock { $0.sawInsights } }

    /// Starts keeping the lines of `requestID`.
    func beginCapture(_ requestID: String) {
        state.withLock { $0.captures[requestID] = [] }
    }

    /// Stops keeping the lines of `requestID` and returns them.
    func endCapture(_ requestID: String) -> [String] {
        state.withLock { $0.captures.removeValue(forKey: requestID) } ?? []
    }

    /// The last lines the function wrote.
    var recentOutput: String { state.withLock { $0.recent.joined(separator: "\n") } }

    /// The `FCInsights` record of a request, waiting up to `timeout` for it to arrive.
    func insights(for requestID: String, timeout: Duration = .milliseconds(500)) async -> InsightsSummary? {
        await withCheckedContinuation { continuation in
            let early = state.withLock { state -> InsightsSummary?? in
                if let record = state.insights.removeValue(forKey: requestID) { return .some(record) }
                state.waiters[requestID] = continuation
                return .none
            }
            if let early {
                continuation.resume(returning: early)
                return
            }
            // Woken by the record as soon as its line arrives, or by this timer with nil.
            Task { [self] in
                try? await Task.sleep(for: timeout)
                state.withLock { $0.waiters.removeValue(forKey: requestID) }?.resume(returning: nil)
            }
        }
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
