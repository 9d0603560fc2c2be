import HTTPTypes
import Logging
import Synchronization

/// Serves every route of the contract: builds the context, keeps the instance's lifecycle state (cold start,
/// initializer once, pre-stop once) and runs each operation through the ``InvocationPipeline``.
final class InvocationEngine: Sendable {
    let registry: HandlerRegistry
    let configuration: RuntimeConfiguration
    let output: any LineOutput
    private let parser: ContextParser
    private let pipeline: InvocationPipeline
    private let initializerGate = InitializerGate()
    private let coldStartClaimed = Atomic<Bool>(false)
    private let preStopHasRun = Atomic<Bool>(false)
    /// Requests in flight, last names and memory, shared with the instance sampler.
    let monitor: InstanceMonitor
    /// Lines of the runtime itself (request id `-`).
    let runtimeLogger: Logger

    /// How long the pre-stop hook may take when the runtime runs it on SIGTERM.
    static let preStopOnShutdownTimeout: Duration = .seconds(10)

    init(registry: HandlerRegistry, configuration: RuntimeConfiguration, output: any LineOutput) {
        self.registry = registry
        self.configuration = configuration
        self.output = output
        self.parser = ContextParser(configuration: configuration, output: output)
        self.pipeline = InvocationPipeline(output: output)
        self.monitor = InstanceMonitor(platform: configuration.platform)
        var logger = Logger(label: "fc.runtime") { _ in
            FCLogHandler(requestID: "-", output: output, logLevel: configuration.logLevel)
        }
        logger.logLevel = configuration.logLevel
        self.runtimeLogger = logger
    }

    /// Answers one request whose route is known and whose body was collected.
    func respond(to route: Route, request: HTTPRequest, body: ByteBuffer) async -> RuntimeResponse {
        switch route {
        case .invoke: await invoke(headers: request.headerFields, event: body)
        case .httpInvoke: await httpInvoke(request: request, body: body)
        case .initialize: await initialize(headers: request.headerFields)
        case .preFreeze: await lifecycle(.preFreeze, hook: registry.preFreeze, headers: request.headerFields)
        case .preStop: await preStop(headers: request.headerFields)
        }
    }

    // MARK: - Invocations

    private func invoke(headers: HTTPFields, event: ByteBuffer) async -> RuntimeResponse {
        let (context, initializerError) = await invocationContext(headers)
        let registry = self.registry
        return await runInvocation(context, type: "event", initializerError: initializerError) {
            let handler = try registry.eventHandler(for: context.function.handler)
            return .success(try await handler.handle(event, context: context))
        }
    }

    private func httpInvoke(request: HTTPRequest, body: ByteBuffer) async -> RuntimeResponse {
        let (context, initializerError) = await invocationContext(request.headerFields)
        let registry = self.registry
        let (path, query) = Self.splitPathAndQuery(request.path ?? "/")
        let userRequest = FCHTTPRequest(
            method: request.method, path: path, query: query,
            headers: request.headerFields.filter { !PlatformHeaders.isPlatformHeader($0.name.canonicalName) },
            body: body
        )
        return await runInvocation(context, type: "http", initializerError: initializerError) {
            let handler = try registry.httpHandler(for: context.function.handler)
            return Self.runtimeResponse(for: try await handler.handle(userRequest, context: context), logger: context.logger)
        }
    }

    /// Runs an event or HTTP invocation through the pipeline: counted in flight, failed with the initializer's
    /// error when that failed, and followed by its `FCInsights` record.
    private func runInvocation(
        _ context: FCContext, type: String, initializerError: ErrorBody?,
        _ body: @escaping @Sendable () async throws -> RuntimeResponse
    ) async -> RuntimeResponse {
        monitor.invocationStarted(context)
        defer { monitor.invocationFinished() }
        let initializationDuration = context.isColdStart ? initializerGate.successfulDuration : nil
        return await pipeline.run(
            .invoke, context: context, timeout: context.function.timeout,
            trailer: { result in
                configuration.requestMetrics
                    ? insightsRecord(context, result: result, type: type, initializationDuration: initializationDuration).lineBytes : nil
            }
        ) {
            if let initializerError { throw ReportedFunctionError(body: initializerError) }
            return try await body()
        }.response
    }

    private func insightsRecord(
        _ context: FCContext, result: InvocationPipeline.Result, type: String, initializationDuration: Duration?
    ) -> InsightsRecord {
        let errorType: InsightsRecord.ErrorType? =
            switch result.outcome {
            case .success: nil
            case .timedOut: .timeout
            case .unhandledError: .unhandled
            }
        let spanContext = context.tracing.spanContext
        return InsightsRecord(
            serviceName: context.service.name, functionName: context.function.name, versionID: context.service.versionID,
            qualifier: context.service.qualifier, requestID: context.requestID, memoryMB: context.function.memoryMB,
            memoryUsageMB: monitor.memoryUsageBytes()?.megabytes ?? 0, durationMs: result.duration.milliseconds,
            isColdStart: context.isColdStart, errorType: errorType,
            initializationDurationMs: initializationDuration?.milliseconds,
            traceContext: spanContext.map { _ in context.tracing.openTracingSpanContext }, isSampled: spanContext?.isSampled,
            invocationStartTimestamp: result.startedAtEpochMilliseconds, instanceID: monitor.instanceID,
            hostname: monitor.host.hostname, invocationType: type)
    }

    /// The context of an invocation: claims the cold start, and runs the initializer first when the function
    /// has one and the platform has not called `/initialize` yet.
    private func invocationContext(_ headers: HTTPFields) async -> (FCContext, initializerError: ErrorBody?) {
        let isColdStart = !coldStartClaimed.exchange(true, ordering: .relaxed)
        let context = parser.context(from: headers, isColdStart: isColdStart)
        guard registry.initializer != nil, !initializerGate.hasSucceeded else { return (context, nil) }
        // The invocation's section reports the header warnings; the initializer's does not repeat them.
        let outcome = await runInitializerOnce(context.withoutHeaderWarnings())
        // The invocation's own timeout starts after the initializer, as on FC.
        return (context.with(deadline: .now.advanced(by: context.function.timeout)), outcome.error)
    }

    // MARK: - Initializer and lifecycle hooks

    private func initialize(headers: HTTPFields) async -> RuntimeResponse {
        await runInitializerOnce(parser.context(from: headers, isColdStart: false)).response
    }

    private func runInitializerOnce(_ context: FCContext) async -> InitializerGate.Outcome {
        let pipeline = self.pipeline
        let initializer = registry.initializer
        let timeout = context.function.initializationTimeout
        let initContext = context.with(deadline: .now.advanced(by: timeout))
        return await initializerGate.ensure {
            let result = await pipeline.run(.initialize, context: initContext, timeout: timeout) {
                try await initializer?(initContext)
                return .success(ByteBuffer())
            }
            return .init(response: result.response, error: result.error, duration: result.duration)
        }.outcome
    }

    private func preStop(headers: HTTPFields) async -> RuntimeResponse {
        preStopHasRun.store(true, ordering: .relaxed)
        return await lifecycle(.preStop, hook: registry.preStop, headers: headers)
    }

    private func lifecycle(_ operation: FCLogLine.Operation, hook: LifecycleHook?, headers: HTTPFields) async -> RuntimeResponse {
        let context = parser.context(from: headers, isColdStart: false)
        return await pipeline.run(operation, context: context, timeout: context.function.timeout) {
            try await hook?(context)
            return .success(ByteBuffer())
        }.response
    }

    /// Runs the pre-stop hook on shutdown unless the platform already called `/pre-stop`.
    func runPreStopIfNeeded() async {
        guard let hook = registry.preStop, !preStopHasRun.exchange(true, ordering: .relaxed) else { return }
        let context = parser.context(from: [:], isColdStart: false).with(deadline: .now.advanced(by: Self.preStopOnShutdownTimeout))
        _ = await pipeline.run(.preStop, context: context, timeout: Self.preStopOnShutdownTimeout) {
            try await hook(context)
            return .success(ByteBuffer())
        }
    }

    // MARK: - Helpers

    /// Passes an HTTP handler's status and headers through, minus the `x-fc-*` headers FC forbids and the framing
    /// headers the server computes itself.
    static func runtimeResponse(for response: FCHTTPResponse, logger: Logger) -> RuntimeResponse {
        var headers = HTTPFields()
        for field in response.headers {
            let name = field.name.canonicalName
            if PlatformHeaders.isPlatformHeader(name) {
                logger.warning("dropping response header \(name): functions may not set x-fc-* headers")
            } else if field.name != .contentLength && field.name != .transferEncoding {
                headers.append(field)
            }
        }
        headers[FCHeaderName.status] = "200"
        return RuntimeResponse(status: response.status, headers: headers, body: response.body)
    }

    static func splitPathAndQuery(_ target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }
}
