import Logging

/// A swift-log handler writing FC's recommended application line,
/// `2026-11-22T10:00:00.123Z <requestId> [INFO] message key=value…`, one whole line per record.
public struct FCLogHandler: LogHandler {
    /// The request id printed on every line; `-` outside an invocation.
    public let requestID: String
    /// Where lines go.
    public let output: any LineOutput
    /// The minimum level written.
    public var logLevel: Logger.Level
    /// Metadata appended to every line as `key=value`.
    public var metadata: Logger.Metadata = [:]

    /// Creates a handler for one invocation (or `-` for the runtime's own lines).
    public init(requestID: String, output: any LineOutput = FileDescriptorLineOutput.standardOutput, logLevel: Logger.Level = .info) {
        self.requestID = requestID
        self.output = output
        self.logLevel = logLevel
    }

    /// Reads or sets one metadata value.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one record as one line.
    public func log(event: LogEvent) {
        var text = "\(UTCTimestamp.now()) \(requestID) [\(Self.levelName(event.level))] \(event.message)"
        let merged = event.metadata.map { metadata.merging($0) { _, explicit in explicit } } ?? metadata
        for key in merged.keys.sorted() {
            text += " \(key)=\(merged[key]!)"
        }
        output.writeLine(LineText.line(text))
    }

    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "NOTICE"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }
}
