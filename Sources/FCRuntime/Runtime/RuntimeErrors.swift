/// No registered handler matches `x-fc-function-handler` and no default applies.
public struct HandlerNotFound: Error, Sendable, CustomStringConvertible {
    /// The handler name that was asked for.
    public let requested: String
    /// `event` or `HTTP`.
    public let kind: String
    /// The names registered for that kind.
    public let registered: [String]

    /// Names the request and what is registered.
    public var description: String {
        let available = registered.isEmpty ? "none are registered" : "registered: \(registered.joined(separator: ", "))"
        let what = requested.isEmpty ? "no \(kind) handler was named" : "no \(kind) handler named '\(requested)'"
        return "\(what) and no default applies; \(available)"
    }
}

/// The invocation did not finish within its timeout (`x-fc-function-timeout`).
public struct FunctionTimeoutError: Error, Sendable, CustomStringConvertible {
    /// The timeout that elapsed.
    public let timeout: Duration

    /// `Function timed out after 3 seconds`.
    public var description: String { "Function timed out after \(Self.seconds(timeout)) seconds" }

    /// Whole seconds when exact, else seconds with up to three decimals.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return String(milliseconds / 1000) }
        var text = String(Double(milliseconds) / 1000)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}

/// The event could not be decoded into the handler's input type.
public struct EventDecodingError: Error, Sendable, CustomStringConvertible {
    /// The Swift type the handler expects.
    public let typeName: String
    /// What went wrong, naming the field.
    public let reason: String

    /// `cannot decode Person from the event: missing field 'name'`.
    public var description: String { "cannot decode \(typeName) from the event: \(reason)" }

    init(typeName: String, decodingError: DecodingError) {
        self.typeName = typeName
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (last.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            reason = "missing field '\(path(context.codingPath, key))'"
        case .typeMismatch(let type, let context):
            reason = "field '\(path(context.codingPath))' is not of type \(type)"
        case .valueNotFound(let type, let context):
            reason = "field '\(path(context.codingPath))' is null, expected \(type)"
        case .dataCorrupted(let context):
            reason = context.codingPath.isEmpty
                ? "the event is not valid JSON" : "field '\(path(context.codingPath))' is invalid: \(context.debugDescription)"
        @unknown default:
            reason = "\(decodingError)"
        }
    }
}

/// The handler's result could not be encoded as JSON.
public struct ResultEncodingError: Error, Sendable, CustomStringConvertible {
    /// The Swift type that failed to encode.
    public let typeName: String
    /// The encoder's explanation.
    public let reason: String

    /// `cannot encode Reply as JSON: …`.
    public var description: String { "cannot encode \(typeName) as JSON: \(reason)" }
}
