import Foundation

/// The tracing AK/SK in effect for a function (set through the tracing-configuration API): what its instances get
/// in their environment and what the collector expects as HTTP basic auth. Its descriptions never show either key.
struct TracingSettings: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The environment variables of the runtime's tracing settings (the runtime reads them in `TracingConfiguration`).
    static let accessKeyVariable = "SWIFT_FC_TRACING_AK"
    static let secretKeyVariable = "SWIFT_FC_TRACING_SK"

    let accessKey: String
    let secretKey: String

    /// The function's settings, or nil when tracing is off for it (no AK/SK configured).
    static func of(_ key: FunctionKey, store: PlatformStore) async throws -> TracingSettings? {
        guard let record = try await store.tracingConfiguration(for: key) else { return nil }
        return TracingSettings(record)
    }

    /// A stored configuration's settings, or nil when either key is empty (tracing off).
    init?(_ record: TracingConfigurationRecord) {
        guard !record.accessKey.isEmpty, !record.secretKey.isEmpty else { return nil }
        self.init(accessKey: record.accessKey, secretKey: record.secretKey)
    }

    init(accessKey: String, secretKey: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    /// `SWIFT_FC_TRACING_AK` and `SWIFT_FC_TRACING_SK`, for an instance's environment.
    var environment: [String: String] { [Self.accessKeyVariable: accessKey, Self.secretKeyVariable: secretKey] }

    /// The `Authorization` value a collector request carries: `Basic base64(AK:SK)` (RFC 7617).
    var basicAuthorization: String { "Basic " + Data("\(accessKey):\(secretKey)".utf8).base64EncodedString() }

    /// Whether `credentials` (from an `Authorization` header) are this AK/SK, compared in constant time.
    func accepts(_ credentials: BasicCredentials) -> Bool {
        // Both comparisons always run: which one failed must not show in the timing either.
        let accessKeyMatches = ConstantTime.equal(credentials.user, accessKey)
        let secretKeyMatches = ConstantTime.equal(credentials.password, secretKey)
        return accessKeyMatches && secretKeyMatches
    }

    var description: String { "TracingSettings(accessKey: ******, secretKey: ******)" }
    var debugDescription: String { description }
    /// Keeps `dump` and the debugger's summary from showing the keys.
    var customMirror: Mirror { Mirror(self, children: ["accessKey": "******", "secretKey": "******"]) }
}

/// The user and password of an HTTP `Authorization: Basic …` header (RFC 7617); redacted in descriptions.
struct BasicCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let user: String
    let password: String

    /// The credentials of `header`, or nil when it is not a well-formed basic-auth value.
    init?(authorization header: String?) {
        guard let header else { return nil }
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        user = String(text[..<colon])
        password = String(text[text.index(after: colon)...])
    }

    var description: String { "BasicCredentials(******)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["credentials": "******"]) }
}
