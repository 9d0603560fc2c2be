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

    /// The Start line as bytes, newline included, the request id escaped.
    static func startLine(_ operation: Operation, requestID: String) -> [UInt8] {
        startLineWriter(operation, requestID: requestID).finish()
    }

    /// The Start line in a writer (the hot path's form of ``start(_:requestID:)``: it goes out without a copy).
    static func startLineWriter(_ operation: Operation, requestID: String) -> ByteWriter {
        writer(prefix: operation.startPrefix, requestID: requestID, suffix: "")
    }

    /// The End line as bytes, newline included, the request id escaped.
    static func endLine(_ operation: Operation, requestID: String, outcome: Outcome) -> [UInt8] {
        endLineWriter(operation, requestID: requestID, outcome: outcome).finish()
    }

    /// The End line in a writer, for the caller to append to (the invocation's record); `extraCapacity` reserves
    /// room for that.
    static func endLineWriter(_ operation: Operation, requestID: String, outcome: Outcome, extraCapacity: Int = 0) -> ByteWriter {
        writer(prefix: operation.endPrefix, requestID: requestID, suffix: errorSuffix(outcome), extraCapacity: extraCapacity)
    }

    private static func writer(prefix: StaticString, requestID: String, suffix: String, extraCapacity: Int = 0) -> ByteWriter {
        var writer = ByteWriter(capacity: prefix.utf8CodeUnitCount + requestID.utf8.count + suffix.utf8.count + 1 + extraCapacity)
        writer.append(prefix)
        LineText.appendEscaped(requestID, to: &writer)
        writer.append(utf8: suffix)
        writer.append(UInt8(ascii: "\n"))
        return writer
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
