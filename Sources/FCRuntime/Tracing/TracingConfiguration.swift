/// Tracing settings, read from `SWIFT_FC_TRACING_*` variables (see the README's Tracing section).
public struct TracingConfiguration: Sendable {
    /// The wire format spans are exported in.
    public enum WireProtocol: String, Sendable {
        /// jaeger.thrift `Batch` in Thrift's binary protocol, POSTed to a Jaeger collector's `/api/traces`.
        case jaegerThrift = "jaeger"
        /// OTLP/HTTP JSON, POSTed to an OpenTelemetry collector's `/v1/traces` (FC 3.0, Jaeger ≥ 1.35).
        case otlpJSON = "otlp"
    }

    /// The collector used when an invocation carries no `x-fc-tracing-jaeger-endpoint` (`SWIFT_FC_TRACING_ENDPOINT`).
    public var endpoint: Secret?
    /// `SWIFT_FC_TRACING_PROTOCOL`: `jaeger` (default) or `otlp`.
    public var wireProtocol: WireProtocol
    /// The tracing configuration's access key (`SWIFT_FC_TRACING_AK`); with ``secretKey``, sent as HTTP basic auth.
    public var accessKey: String?
    /// The tracing configuration's secret key (`SWIFT_FC_TRACING_SK`); never printed.
    public var secretKey: Secret?
    /// Traces started per second when a request carries no span context (`SWIFT_FC_TRACING_SAMPLES_PER_SECOND`,
    /// default 1, FC's default; 0 starts none).
    public var samplesPerSecond: Double
    /// How long pre-freeze, pre-stop and shutdown wait for queued spans to leave (`SWIFT_FC_TRACING_FLUSH_TIMEOUT`, s).
    public var flushTimeout: Duration
    /// Spans kept while the collector is slow or down; beyond it the oldest are dropped (`SWIFT_FC_TRACING_QUEUE_SIZE`).
    public var queueCapacity: Int
    /// How long one export request may take.
    public var exportTimeout: Duration

    /// Creates a configuration (the defaults are the documented ones).
    public init(
        endpoint: Secret? = nil,
        wireProtocol: WireProtocol = .jaegerThrift,
        accessKey: String? = nil,
        secretKey: Secret? = nil,
        samplesPerSecond: Double = 1,
        flushTimeout: Duration = .seconds(2),
        queueCapacity: Int = 2048,
        exportTimeout: Duration = .seconds(3)
    ) {
        self.endpoint = endpoint
        self.wireProtocol = wireProtocol
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.samplesPerSecond = samplesPerSecond
        self.flushTimeout = flushTimeout
        self.queueCapacity = queueCapacity
        self.exportTimeout = exportTimeout
    }

    /// Reads the `SWIFT_FC_TRACING_*` variables (empty values count as unset).
    static func fromEnvironment(_ env: [String: String]) throws(ConfigurationError) -> TracingConfiguration {
        var configuration = TracingConfiguration()
        if let value = env["SWIFT_FC_TRACING_ENDPOINT"] {
            guard TraceUploader.url(for: value, wireProtocol: .jaegerThrift) != nil else {
                throw ConfigurationError(variable: "SWIFT_FC_TRACING_ENDPOINT", confidentialValueExpected: "an http://host[:port]/path URL (spans are exported over plain HTTP)")
            }
            configuration.endpoint = Secret(value)
        }
        if let value = env["SWIFT_FC_TRACING_PROTOCOL"] {
            guard let wireProtocol = WireProtocol(rawValue: value.lowercased()) else {
                throw ConfigurationError(variable: "SWIFT_FC_TRACING_PROTOCOL", value: value, expected: "jaeger or otlp")
            }
            configuration.wireProtocol = wireProtocol
        }
        configuration.accessKey = env["SWIFT_FC_TRACING_AK"]
        configuration.secretKey = env["SWIFT_FC_TRACING_SK"].map(Secret.init)
        if (configuration.accessKey == nil) != (configuration.secretKey == nil) {
            throw ConfigurationError(
                variable: configuration.accessKey == nil ? "SWIFT_FC_TRACING_AK" : "SWIFT_FC_TRACING_SK",
                confidentialValueExpected: "to be set together with \(configuration.accessKey == nil ? "SWIFT_FC_TRACING_SK" : "SWIFT_FC_TRACING_AK")")
        }
        if let value = env["SWIFT_FC_TRACING_SAMPLES_PER_SECOND"] {
            guard let rate = Double(value), rate.isFinite, rate >= 0 else {
                throw ConfigurationError(variable: "SWIFT_FC_TRACING_SAMPLES_PER_SECOND", value: value, expected: "a number ≥ 0")
            }
            configuration.samplesPerSecond = rate
        }
        if let value = env["SWIFT_FC_TRACING_FLUSH_TIMEOUT"] {
            guard let seconds = Double(value), seconds.isFinite, seconds >= 0, seconds <= 60 else {
                throw ConfigurationError(variable: "SWIFT_FC_TRACING_FLUSH_TIMEOUT", value: value, expected: "seconds from 0 to 60")
            }
            configuration.flushTimeout = .milliseconds(Int64(seconds * 1000))
        }
        if let value = env["SWIFT_FC_TRACING_QUEUE_SIZE"] {
            guard let size = Int(value), size >= 1, size <= 1_000_000 else {
                throw ConfigurationError(variable: "SWIFT_FC_TRACING_QUEUE_SIZE", value: value, expected: "spans from 1 to 1000000")
            }
            configuration.queueCapacity = size
        }
        return configuration
    }
}
