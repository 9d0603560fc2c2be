import Logging

/// Everything Function Compute tells a function about one invocation, built from the `x-fc-*` request headers
/// and the platform's environment (CONTRACT §1–§2).
///
/// A missing header gives an empty or default value; an unparsable one gives the default and one warning line.
/// Secrets are wrapped in ``Secret`` and never print themselves.
public struct FCContext: Sendable {
    /// The platform's request id (`x-fc-request-id`); generated when the caller sent none.
    public let requestID: String
    /// The temporary credentials of the function's role (empty when no role is configured).
    public let credentials: Credentials
    /// The function being invoked.
    public let function: FunctionInfo
    /// The service (FC 2.0) the function belongs to, its log destination and its version.
    public let service: ServiceInfo
    /// The region id, e.g. `cn-hangzhou`.
    public let region: String
    /// The Alibaba Cloud account id that owns the function.
    public let accountID: String
    /// How many times the platform has retried this (asynchronous) invocation; 0 for the first attempt.
    public let retryCount: Int
    /// The instance id from `FC_INSTANCE_ID`, empty when the platform did not set it.
    public let instanceID: String
    /// The caller's IP address of an HTTP-trigger invocation (`x-fc-client-ip`), else empty.
    public let clientIP: String
    /// The HTTP trigger's base path (`x-fc-base-path`), e.g. `/2016-08-15/proxy/svc/fn/`, else empty.
    public let basePath: String
    /// Tracing values sent by the platform.
    public let tracing: TracingInfo
    /// The moment the invocation must have answered by, from `x-fc-function-timeout`.
    public let deadline: ContinuousClock.Instant
    /// Whether this is the first invocation served by this process.
    public let isColdStart: Bool
    /// A logger whose lines carry this invocation's request id.
    public let logger: Logger
    /// Warnings about unparsable headers, written by the pipeline right after the operation's Start line.
    var headerWarnings: [String] = []

    /// Time left until ``deadline`` (negative once it has passed).
    public var remainingTime: Duration { deadline - ContinuousClock.now }

    /// Creates a context; the runtime builds these from request headers, tests may build their own.
    public init(
        requestID: String,
        credentials: Credentials = .init(),
        function: FunctionInfo = .init(),
        service: ServiceInfo = .init(),
        region: String = "",
        accountID: String = "",
        retryCount: Int = 0,
        instanceID: String = "",
        clientIP: String = "",
        basePath: String = "",
        tracing: TracingInfo = .init(),
        deadline: ContinuousClock.Instant,
        isColdStart: Bool = false,
        logger: Logger
    ) {
        self.init(
            requestID: requestID, credentials: credentials, function: function, service: service, region: region,
            accountID: accountID, retryCount: retryCount, instanceID: instanceID, clientIP: clientIP, basePath: basePath,
            tracing: tracing, deadline: deadline, isColdStart: isColdStart, logger: logger, headerWarnings: [])
    }

    init(
        requestID: String, credentials: Credentials, function: FunctionInfo, service: ServiceInfo, region: String,
        accountID: String, retryCount: Int, instanceID: String, clientIP: String, basePath: String, tracing: TracingInfo,
        deadline: ContinuousClock.Instant, isColdStart: Bool, logger: Logger, headerWarnings: [String]
    ) {
        self.headerWarnings = headerWarnings
        self.requestID = requestID
        self.credentials = credentials
        self.function = function
        self.service = service
        self.region = region
        self.accountID = accountID
        self.retryCount = retryCount
        self.instanceID = instanceID
        self.clientIP = clientIP
        self.basePath = basePath
        self.tracing = tracing
        self.deadline = deadline
        self.isColdStart = isColdStart
        self.logger = logger
    }
}

extension FCContext: CustomStringConvertible {
    /// A one-line summary without any secret.
    public var description: String {
        "FCContext(requestID: \(requestID), function: \(function), service: \(service), region: \(region), "
            + "accountID: \(accountID), retryCount: \(retryCount), instanceID: \(instanceID), "
            + "credentials: \(credentials), tracing: \(tracing), isColdStart: \(isColdStart))"
    }
}

extension FCContext {
    /// A copy with another deadline (the initializer and a post-initializer invocation get their own), and
    /// optionally other header warnings (so that one request reports them once).
    func with(deadline: ContinuousClock.Instant, headerWarnings: [String]? = nil) -> FCContext {
        FCContext(
            requestID: requestID, credentials: credentials, function: function, service: service, region: region,
            accountID: accountID, retryCount: retryCount, instanceID: instanceID, clientIP: clientIP, basePath: basePath,
            tracing: tracing, deadline: deadline, isColdStart: isColdStart, logger: logger, headerWarnings: headerWarnings ?? self.headerWarnings)
    }
}
