/// The temporary credentials FC passes for the function's role (`x-fc-access-key-*`, `x-fc-security-token`).
public struct Credentials: Sendable, Hashable, CustomStringConvertible {
    /// The access key id; not confidential on its own.
    public let accessKeyID: String
    /// The access key secret.
    public let accessKeySecret: Secret
    /// The STS security token.
    public let securityToken: Secret

    /// Creates credentials (all empty by default: no role configured).
    public init(accessKeyID: String = "", accessKeySecret: Secret = Secret(""), securityToken: Secret = Secret("")) {
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
    }

    /// Whether a role's credentials were passed at all.
    public var isEmpty: Bool { accessKeyID.isEmpty && accessKeySecret.isEmpty && securityToken.isEmpty }

    /// The access key id and redacted secrets.
    public var description: String {
        "Credentials(accessKeyID: \(accessKeyID), accessKeySecret: \(accessKeySecret), securityToken: \(securityToken))"
    }
}

/// The function being invoked, as configured on the platform.
public struct FunctionInfo: Sendable, Hashable {
    /// The function name (`x-fc-function-name`, else `FC_FUNCTION_NAME`).
    public let name: String
    /// The configured handler string (`x-fc-function-handler`), which selects a registered handler.
    public let handler: String
    /// Memory size in MB (`x-fc-function-memory`, else `FC_FUNCTION_MEMORY_SIZE`, else 128).
    public let memoryMB: Int
    /// The invocation timeout (`x-fc-function-timeout`, else `SWIFT_FC_DEFAULT_TIMEOUT`, else 60 s).
    public let timeout: Duration
    /// The configured initializer string (`x-fc-function-initializer`), empty when none is configured.
    public let initializer: String
    /// The initializer timeout (`x-fc-initialization-timeout`), else the invocation timeout.
    public let initializationTimeout: Duration

    /// Creates function information.
    public init(
        name: String = "",
        handler: String = "",
        memoryMB: Int = 128,
        timeout: Duration = .seconds(60),
        initializer: String = "",
        initializationTimeout: Duration = .seconds(60)
    ) {
        self.name = name
        self.handler = handler
        self.memoryMB = memoryMB
        self.timeout = timeout
        self.initializer = initializer
        self.initializationTimeout = initializationTimeout
    }
}

/// The service of an FC 2.0 function (its name is empty on FC 3.0), its log destination, and its version.
public struct ServiceInfo: Sendable, Hashable {
    /// The service name (`x-fc-service-name`, else `FC_SERVICE_NAME`).
    public let name: String
    /// The Log Service project collecting the function's logs.
    public let logProject: String
    /// The Log Service logstore collecting the function's logs.
    public let logStore: String
    /// The invoked alias or version (`x-fc-qualifier`), `LATEST` by default.
    public let qualifier: String
    /// The published version id (`x-fc-version-id`), empty for `LATEST`.
    public let versionID: String

    /// Creates service information.
    public init(name: String = "", logProject: String = "", logStore: String = "", qualifier: String = "LATEST", versionID: String = "") {
        self.name = name
        self.logProject = logProject
        self.logStore = logStore
        self.qualifier = qualifier
        self.versionID = versionID
    }
}

/// The tracing values FC passes to a function: the raw headers the built-in runtimes expose, and the parsed
/// span context of the platform's `InvokeFunction` span.
public struct TracingInfo: Sendable, Hashable, CustomStringConvertible {
    /// The raw `x-fc-tracing-opentracing-span-context` value (`traceId:spanId:parentSpanId:flags`), else empty.
    public let openTracingSpanContext: String
    /// Baggage: the base64 JSON of `x-fc-tracing-opentracing-span-baggages` merged with every
    /// `x-fc-tracing-opentracing-span-context-baggage-<key>` header (the per-key headers win).
    public let openTracingSpanBaggages: [String: String]
    /// The Jaeger collector endpoint (`x-fc-tracing-jaeger-endpoint`); confidential.
    public let jaegerEndpoint: Secret
    /// Whether ``jaegerEndpoint`` is a URL spans can be exported to (`http://host[:port]/path`); checked once here.
    let hasUsableJaegerEndpoint: Bool
    /// The W3C `traceparent` header (FC 3.0 and OpenTelemetry callers), else empty.
    public let traceParent: String
    /// The W3C `tracestate` header, else empty; passed on unchanged to downstream calls.
    public let traceState: String
    /// The caller's span: parsed from `x-fc-tracing-opentracing-span-context`, else from `traceparent`; `nil`
    /// when neither was sent or valid (the invocation is then a root).
    public let spanContext: JaegerSpanContext?
    /// Whether ``spanContext`` was read from ``openTracingSpanContext`` (not from `traceparent`, which stands in when
    /// FC's header is absent or invalid).
    let spanContextIsOpenTracingHeader: Bool

    /// Creates tracing information. A `spanContext` given together with an `openTracingSpanContext` is taken to be
    /// read from it.
    public init(
        openTracingSpanContext: String = "",
        openTracingSpanBaggages: [String: String] = [:],
        jaegerEndpoint: Secret = Secret(""),
        traceParent: String = "",
        traceState: String = "",
        spanContext: JaegerSpanContext? = nil
    ) {
        self.init(
            openTracingSpanContext: openTracingSpanContext, openTracingSpanBaggages: openTracingSpanBaggages, jaegerEndpoint: jaegerEndpoint,
            traceParent: traceParent, traceState: traceState, spanContext: spanContext,
            spanContextIsOpenTracingHeader: spanContext != nil && !openTracingSpanContext.isEmpty)
    }

    /// Creates tracing information, saying where `spanContext` was read from.
    init(
        openTracingSpanContext: String, openTracingSpanBaggages: [String: String], jaegerEndpoint: Secret, traceParent: String,
        traceState: String, spanContext: JaegerSpanContext?, spanContextIsOpenTracingHeader: Bool
    ) {
        self.openTracingSpanContext = openTracingSpanContext
        self.openTracingSpanBaggages = openTracingSpanBaggages
        self.jaegerEndpoint = jaegerEndpoint
        self.hasUsableJaegerEndpoint = EndpointCheck.isUsable(jaegerEndpoint.value)
        self.traceParent = traceParent
        self.traceState = traceState
        self.spanContext = spanContext
        self.spanContextIsOpenTracingHeader = spanContextIsOpenTracingHeader
    }

    /// Whether the caller sent any tracing information.
    public var isPresent: Bool {
        !openTracingSpanContext.isEmpty || !jaegerEndpoint.isEmpty || !openTracingSpanBaggages.isEmpty || !traceParent.isEmpty
    }

    /// The span context and baggage keys; the endpoint is redacted.
    public var description: String {
        "TracingInfo(openTracingSpanContext: \(openTracingSpanContext), traceParent: \(traceParent), "
            + "baggageKeys: \(openTracingSpanBaggages.keys.sorted()), jaegerEndpoint: \(jaegerEndpoint))"
    }
}
