import Tracing

/// The attributes the runtime itself puts on a span (`Invocation`, `Initializer`, `RuntimeInitialization`), kept
/// typed: recording and encoding them copies no `SpanAttribute` (as an array of pairs, they cost ~25 string retains
/// and releases per traced invocation).
struct RuntimeAttributes: Sendable {
    /// `faas.invocation_id` and `fc.request_id` (an invocation) or `fc.request_id` alone (the initializer).
    var requestID: String?
    /// Whether `requestID` is also reported as `faas.invocation_id`.
    var isInvocation = false
    /// `faas.trigger`: `http` or `other`.
    var trigger: String?
    /// `faas.coldstart`.
    var coldStart: Bool?
    /// `fc.runtime.version`.
    var runtimeVersion: String?
    /// `error.type`, when the operation failed.
    var errorType: String?

    /// No attributes (spans created through the `Span` API).
    static let none = RuntimeAttributes()

    /// The number of attributes set.
    var count: Int {
        (requestID == nil ? 0 : isInvocation ? 2 : 1) + (trigger == nil ? 0 : 1) + (coldStart == nil ? 0 : 1)
            + (runtimeVersion == nil ? 0 : 1) + (errorType == nil ? 0 : 1)
    }

    /// Calls `string` or `bool` for each attribute set, in a fixed order, with its OpenTelemetry key.
    func forEach(string: (StaticString, String) -> Void, bool: (StaticString, Bool) -> Void) {
        if let requestID {
            if isInvocation { string("faas.invocation_id", requestID) }
            string("fc.request_id", requestID)
        }
        if let trigger { string("faas.trigger", trigger) }
        if let coldStart { bool("faas.coldstart", coldStart) }
        if let runtimeVersion { string("fc.runtime.version", runtimeVersion) }
        if let errorType { string("error.type", errorType) }
    }

    /// The attributes as key–value pairs (for the OTLP encoder, which is not on the hot path).
    var pairs: [(String, SpanAttribute)] {
        var pairs: [(String, SpanAttribute)] = []
        pairs.reserveCapacity(count)
        forEach(string: { pairs.append(($0.description, .string($1))) }, bool: { pairs.append(($0.description, .bool($1))) })
        return pairs
    }
}
