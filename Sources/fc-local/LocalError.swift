/// A failure fc-local reports in one line, with the exit status of its kind.
struct LocalError: Error, CustomStringConvertible {
    /// Exit statuses: 1 the function failed, 2 usage or start-up error.
    enum Kind {
        case functionError
        case usage
        case startup
    }

    let kind: Kind
    let message: String
    /// The function's output so far, shown after the message for start-up failures.
    var output: String = ""

    var description: String { message }

    var exitStatus: Int32 {
        switch kind {
        case .functionError: 1
        case .usage, .startup: 2
        }
    }

    static func usage(_ message: String) -> LocalError { LocalError(kind: .usage, message: message) }
    static func startup(_ message: String, output: String = "") -> LocalError { LocalError(kind: .startup, message: message, output: output) }
}
