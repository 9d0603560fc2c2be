/// The platform log lines of CONTRACT §4 (`FC Invoke Start RequestId: …` and friends).
enum FCLogLine {
    /// The operations that get Start/End lines.
    enum Operation: String, Sendable {
        case invoke = "Invoke"
        case initialize = "Initialize"
        case preFreeze = "PreFreeze"
        case preStop = "PreStop"
    }

    /// How an operation ended, as far as its End line is concerned.
    enum Outcome: Sendable, Equatable {
        case success
        case unhandledError
        case timedOut(seconds: String)
    }

    /// `FC <Operation> Start RequestId: <id>`.
    static func start(_ operation: Operation, requestID: String) -> String {
        "FC \(operation.rawValue) Start RequestId: \(requestID)"
    }

    /// `FC <Operation> End RequestId: <id>`, with `, Error: …` when the operation failed.
    static func end(_ operation: Operation, requestID: String, outcome: Outcome) -> String {
        let line = "FC \(operation.rawValue) End RequestId: \(requestID)"
        switch outcome {
        case .success: return line
        case .unhandledError: return line + ", Error: Unhandled function error"
        case .timedOut(let seconds): return line + ", Error: Function timed out after \(seconds) seconds"
        }
    }
}
