import HTTPTypes

/// The request header names Function Compute sends to a custom runtime (CONTRACT §2), built once.
enum FCHeaderName {
    static let requestID = name("x-fc-request-id")
    static let accessKeyID = name("x-fc-access-key-id")
    static let accessKeySecret = name("x-fc-access-key-secret")
    static let securityToken = name("x-fc-security-token")
    static let functionName = name("x-fc-function-name")
    static let functionHandler = name("x-fc-function-handler")
    static let functionMemory = name("x-fc-function-memory")
    static let functionTimeout = name("x-fc-function-timeout")
    static let functionInitializer = name("x-fc-function-initializer")
    static let initializationTimeout = name("x-fc-initialization-timeout")
    static let preStopHandler = name("x-fc-instance-lifecycle-pre-stop-handler")
    static let preFreezeHandler = name("x-fc-instance-lifecycle-pre-freeze-handler")
    static let region = name("x-fc-region")
    static let accountID = name("x-fc-account-id")
    static let qualifier = name("x-fc-qualifier")
    static let versionID = name("x-fc-version-id")
    static let serviceName = name("x-fc-service-name")
    static let logProject = name("x-fc-service-logproject")
    static let logStore = name("x-fc-service-logstore")
    static let controlPath = name("x-fc-control-path")
    static let retryCount = name("x-fc-retry-count")
    static let basePath = name("x-fc-base-path")
    static let clientIP = name("x-fc-client-ip")
    static let spanContext = name("x-fc-tracing-opentracing-span-context")
    static let spanBaggages = name("x-fc-tracing-opentracing-span-baggages")
    static let jaegerEndpoint = name("x-fc-tracing-jaeger-endpoint")
    /// The response header that tells FC whether the call succeeded (CONTRACT §3).
    static let status = name("x-fc-status")

    /// Prefix of the per-key baggage headers upstream callers may send.
    static let baggageHeaderPrefix = "x-fc-tracing-opentracing-span-context-baggage-"
    /// Prefix of every platform header; such headers are stripped from what HTTP handlers see and send.
    static let platformPrefix = "x-fc-"

    private static func name(_ text: String) -> HTTPField.Name {
        guard let name = HTTPField.Name(text) else { preconditionFailure("invalid header name \(text)") }
        return name
    }
}
