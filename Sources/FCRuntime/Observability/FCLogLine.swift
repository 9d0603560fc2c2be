/// The platform log lines of CONTRACT §4 (`FC Invoke Start RequestId: …` and friends).
enum FCLogLine {
    /// The operations that get Start/End lines.
    enum Operation: String, Sendable, CaseIterable {
        case invoke = "Invoke"
        case initialize = "Initialize"
        case preFreeze = "PreFreeze"
        case preStop = "PreStop"

        private static let startPrefixes = Dictionary(uniqueKeysWithValues: allCases.map { ($0, Array("FC \($0.rawValue) Start RequestId: ".utf8)) })
        private static let endPrefixes = Dictionary(uniqueKeysWithValues: allCases.map { ($0, Array("FC \($0.rawValue) End RequestId: ".utf8)) })

        var startPrefix: [UInt8] { Self.startPrefixes[self]! }
        var endPrefix: [UInt8] { Self.endPrefixes[self]! }
    }

    /// How an operation ended, as far as its End line is concerned.
    enum Outcome: Sendable, Equatable {
        case success
        case unhandledError
        case timedOut(seconds: String)
    }

    /// The Start line as bytes, newline included, the request id escaped (the hot path's form of ``start(_:requestID:)``).
    static func startLine(_ operation: Operation, requestID: String) -> [UInt8] {
        bytes(prefix: operation.startPrefix, requestID: requestID, suffix: "")
    }

    /// The End line as bytes, newline included, the request id escaped.
    static func endLine(_ operation: Operation, requestID: String, outcome: Outcome) -> [UInt8] {
        bytes(prefix: operation.endPrefix, requestID: requestID, suffix: errorSuffix(outcome))
    }

    private static func bytes(prefix: [UInt8], requestID: String, suffix: String) -> [UInt8] {
        var line = prefix
        line.reserveCapacity(prefix.count + requestID.utf8.count + suffix.utf8.count + 1)
        LineText.appendEscaped(requestID, to: &line)
        line.append(contentsOf: suffix.utf8)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// `FC <Operation> Start RequestId: <id>`.
    static func start(_ operation: Operation, requestID: String) -> String {
        "FC \(operation.rawValue) Start RequestId: \(requestID)"
    }

    /// `FC <Operation> End RequestId: <id>`, with `, Error: …` when the operation failed.
    static func end(_ operation: Operation, requestID: String, outcome: Outcome) -> String {
        "FC \(operation.rawValue) End RequestId: \(requestID)" + errorSuffix(outcome)
    }

    /// What follows the request id on an End line: nothing on success, `, Error: …` on failure.
    private static func errorSuffix(_ outcome: Outcome) -> String {
        switch outcome {
        case .success: ""
        case .unhandledError: ", Error: Unhandled function error"
        case .timedOut(let seconds): ", Error: Function timed out after \(seconds) seconds"
        }
    }
}
