import Foundation

/// The body of `PUT …/tracing`: `{"tracing_ak": "…", "tracing_sk": "…"}` (CONTRACT §6). Both fields are optional;
/// both empty (or missing, or null) switch tracing off, both set switch it on.
struct TracingConfigurationBody: Sendable, CustomStringConvertible {
    /// The most bytes a body may have.
    static let sizeLimit = 64 * 1024
    /// The longest key accepted (APM keys are a few dozen characters; these end up in the instance's environment).
    static let keyLengthLimit = 1024

    /// The settings to keep, or nil to switch tracing off.
    let settings: TracingSettings?

    var description: String { settings == nil ? "TracingConfigurationBody(off)" : "TracingConfigurationBody(******)" }

    /// Parses and checks `data`; the errors name the field, never its value.
    init(json data: Data) throws(TracingAPIError) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .invalidParameter(#"the body must be a JSON object such as {"tracing_ak": "…", "tracing_sk": "…"}"#)
        }
        let accessKey = try Self.key("tracing_ak", in: object)
        let secretKey = try Self.key("tracing_sk", in: object)
        switch (accessKey.isEmpty, secretKey.isEmpty) {
        case (true, true): settings = nil
        case (false, false):
            // The AK is the user-id of HTTP basic auth, which cannot hold a colon (RFC 7617).
            guard !accessKey.contains(":") else { throw .invalidParameter("tracing_ak must not contain ':'") }
            settings = TracingSettings(accessKey: accessKey, secretKey: secretKey)
        default:
            throw .invalidParameter("tracing_ak and tracing_sk must be set together (send both empty to switch tracing off)")
        }
    }

    /// The string value of `field` ("" when missing or null).
    private static func key(_ field: String, in object: [String: Any]) throws(TracingAPIError) -> String {
        guard let value = object[field], !(value is NSNull) else { return "" }
        guard let text = value as? String else { throw .invalidParameter("\(field) must be a string") }
        guard text.utf8.count <= keyLengthLimit else { throw .invalidParameter("\(field) must be at most \(keyLengthLimit) bytes") }
        // Control characters (NUL, line breaks) cannot travel in an environment variable or a header.
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidParameter("\(field) must not contain control characters")
        }
        return text
    }
}
