import Instrumentation
import Logging

/// Everything Function Compute tells a function about one invocation, built from the `x-fc-*` request headers
/// and the platform's environment (CONTRACT §1–§2).
///
/// A missing header gives an empty or default value; an unparsable one gives the default and one warning line.
/// Secrets are wrapped in ``Secret`` and never print themselves. Copies are cheap: the values live in one
/// immutable storage object.
public struct FCContext: Sendable {
    /// The platform's request id (`x-fc-request-id`); generated when the caller sent none.
    public var requestID: String { storage.requestID }
    /// The temporary credentials of the function's role (empty when no role is configured).
    public var credentials: Credentials { storage.credentials }
    /// The function being invoked.
    public var function: FunctionInfo { storage.function }
    /// The service (FC 2.0) the function belongs to, its log destination and its version.
    public var service: ServiceInfo { storage.service }
    /// The region id, e.g. `cn-hangzhou`.
    public var region: String { storage.region }
    /// The Alibaba Cloud account id that owns the function.
    public var accountID: String { storage.accountID }
    /// How many times the platform has retried this (asynchronous) invocation; 0 for the first attempt.
    public var retryCount: Int { storage.retryCount }
    /// The instance id from `FC_INSTANCE_ID`, empty when the platform did not set it.
    public var instanceID: String { storage.instanceID }
    /// The caller's IP address of an HTTP-trigger invocation (`x-fc-client-ip`), else empty.
    public var clientIP: String { storage.clientIP }
    /// The HTTP trigger's base path (`x-fc-base-path`), e.g. `/2016-08-15/proxy/svc/fn/`, else empty.
    public var basePath: String { storage.basePath }
    /// Tracing values sent by the platform.
    public var tracing: TracingInfo { storage.tracing }
    /// The moment the invocation must have answered by, from `x-fc-function-timeout`.
    public let deadline: ContinuousClock.Instant
    /// Whether this is the first invocation served by this process.
    public var isColdStart: Bool { storage.isColdStart }
    /// The invocation's tracing context: it holds the `Invocation` span while the trace is sampled or propagated,
    /// else it is empty. Handlers run with it bound, so `withSpan` needs no argument; pass it explicitly
    /// (`withSpan("Name", context: context.serviceContext)`) from detached tasks.
    public let serviceContext: ServiceContext

    /// A logger whose lines carry this invocation's request id.
    ///
    /// Built on access (a handler that never logs pays nothing for it); keep it in a local when logging often.
    public var logger: Logger {
        switch storage.loggerSource {
        case .provided(let logger): return logger
        case .lines(let output, let level):
            let requestID = storage.requestID
            var logger = Logger(label: "fc.function") { _ in FCLogHandler(requestID: requestID, output: output, logLevel: level) }
            logger.logLevel = level
            return logger
        }
    }

    /// Time left until ``deadline`` (negative once it has passed).
    public var remainingTime: Duration { deadline - ContinuousClock.now }

    /// Warnings about unparsable headers, written by the pipeline right after the operation's Start line.
    var headerWarnings: [String] { storage.headerWarnings }

    /// Where ``logger`` comes from: a logger given to the public initializer, or the runtime's line output.
    enum LoggerSource: Sendable {
        case provided(Logger)
        case lines(any LineOutput, Logger.Level)
    }

    /// The immutable values of one context, shared by all its copies.
    final class Storage: Sendable {
        let requestID: String
        let credentials: Credentials
        let function: FunctionInfo
        let service: ServiceInfo
        let region: String
        let accountID: String
        let retryCount: Int
        let instanceID: String
        let clientIP: String
        let basePath: String
        let tracing: TracingInfo
        let isColdStart: Bool
        let loggerSource: LoggerSource
        let headerWarnings: [String]

        init(
            requestID: String, credentials: Credentials, function: FunctionInfo, service: ServiceInfo, region: String,
            accountID: String, retryCount: Int, instanceID: String, clientIP: String, basePath: String, tracing: TracingInfo,
            isColdStart: Bool, loggerSource: LoggerSource, headerWarnings: [String]
        ) {
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
            self.isColdStart = isColdStart
            self.loggerSource = loggerSource
            self.headerWarnings = headerWarnings
        }
    }

    private let storage: Storage

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
            storage: Storage(
                requestID: requestID, credentials: credentials, function: function, service: service, region: region,
                accountID: accountID, retryCount: retryCount, instanceID: instanceID, clientIP: clientIP, basePath: basePath,
                tracing: tracing, isColdStart: isColdStart, loggerSource: .provided(logger), headerWarnings: []),
            deadline: deadline)
    }

    init(storage: Storage, deadline: ContinuousClock.Instant, serviceContext: ServiceContext = .topLevel) {
        self.storage = storage
        self.deadline = deadline
        self.serviceContext = serviceContext
    }

    /// A copy with another deadline (the initializer and a post-initializer invocation get their own).
    func with(deadline: ContinuousClock.Instant) -> FCContext {
        FCContext(storage: storage, deadline: deadline, serviceContext: serviceContext)
    }

    /// A copy with another tracing context (the one holding the operation's runtime span).
    func with(serviceContext: ServiceContext) -> FCContext {
        FCContext(storage: storage, deadline: deadline, serviceContext: serviceContext)
    }

    /// A copy without header warnings, for an operation run on behalf of a request whose own section reports them.
    func withoutHeaderWarnings() -> FCContext {
        let s = storage
        return FCContext(
            storage: Storage(
                requestID: s.requestID, credentials: s.credentials, function: s.function, service: s.service, region: s.region,
                accountID: s.accountID, retryCount: s.retryCount, instanceID: s.instanceID, clientIP: s.clientIP,
                basePath: s.basePath, tracing: s.tracing, isColdStart: s.isColdStart, loggerSource: s.loggerSource, headerWarnings: []),
            deadline: deadline, serviceContext: serviceContext)
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

extension FCContext: CustomReflectable {
    /// The same fields as ``description`` (secrets redacted), so that `dump` shows the values, not the storage.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "requestID": requestID, "credentials": credentials, "function": function, "service": service, "region": region,
                "accountID": accountID, "retryCount": retryCount, "instanceID": instanceID, "clientIP": clientIP,
                "basePath": basePath, "tracing": tracing, "deadline": deadline, "isColdStart": isColdStart,
            ],
            displayStyle: .struct)
    }
}
