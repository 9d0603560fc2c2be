/// The platform log lines of CONTRACT §4 (`FC Invoke Start RequestId: …` and friends).
enum FCLogLine {
    /// The operations that get Start/End lines.
    enum Operation: String, Sendable, CaseIterable {
        case invoke = "Invoke"
        case initialize = "Initialize"
        case preFreeze = "PreFreeze"
        case preStop = "PreStop"

        var startPrefix: StaticString {
            switch self {
            case .invoke: "FC Invoke Start RequestId: "
            case .initialize: "FC Initialize Start RequestId: "
            case .preFreeze: "FC PreFreeze Start RequestId: "
            case .preStop: "FC PreStop Start RequestId: "
            }
        }

        var endPrefix: StaticString {
            switch self {
            case .invoke: "FC Invoke End RequestId: "
            case .initialize: "FC Initialize End RequestId: "
            case .preFreeze: "FC PreFreeze End RequestId: "
            case .preStop: "FC PreStop End RequestId: "
            }
        }
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

    /// The End line as bytes, newline included, the request id escaped; `extraCapacity` reserves room for what the
    /// caller appends (the invocation's record).
    static func endLine(_ operation: Operation, requestID: String, outcome: Outcome, extraCapacity: Int = 0) -> [UInt8] {
        bytes(prefix: operation.endPrefix, requestID: requestID, suffix: errorSuffix(outcome), extraCapacity: extraCapacity)
    }

    private static func bytes(prefix: StaticString, requestID: String, suffix: String, extraCapacity: Int = 0) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(prefix.utf8CodeUnitCount + requestID.utf8.count + suffix.utf8.count + 1 + extraCapacity)
        prefix.withUTF8Buffer { line.append(contentsOf: $0) }
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
