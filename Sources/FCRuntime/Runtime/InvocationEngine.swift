import HTTPTypes
import Instrumentation
import Logging
import Synchronization
import Tracing

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
    private let insightsLines = InsightsLineCache()
    /// Requests in flight, last names and memory, shared with the instance sampler.
    let monitor: InstanceMonitor
    /// Lines of the runtime itself (request id `-`).
    let runtimeLogger: Logger
    /// Sampling, runtime spans and span export.
    let tracing: RuntimeTracing

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
        self.tracing = RuntimeTracing(
            configuration: configuration.tracing, monitor: monitor, logger: logger)
    }

    /// Answers one request whose route is known and whose body was collected.
    func respond(to route: Route, request: HTTPRequest, body: ByteBuffer) async -> RuntimeResponse {
        await respond(to: route, request: request, headers: PlatformHeaders(request.headerFields), body: body)
    }

    /// Answers one request whose route is known, whose body was collected and whose headers the server read.
    func respond(to route: Route, request: HTTPRequest, headers: PlatformHeaders, body: ByteBuffer) async -> RuntimeResponse {
        switch route {
        case .invoke: await invoke(headers: headers, event: body)
        case .httpInvoke: await httpInvoke(request: request, headers: headers, body: body)
        case .initialize: await initialize(headers: headers)
        case .preFreeze: await lifecycle(.preFreeze, hook: registry.preFreeze, headers: headers)
        case .preStop: await preStop(headers: headers)
        }
    }

    // MARK: - Invocations

    private func invoke(headers: PlatformHeaders, event: ByteBuffer) async -> RuntimeResponse {
        let registry = self.registry
        return await runInvocation(headers, type: "event", trigger: "other") { context in
            let handler = try registry.eventHandler(for: context.function.handler)
            return .success(try await handler.handle(event, context: context))
        }
    }

    private func httpInvoke(request: HTTPRequest, headers: PlatformHeaders, body: ByteBuffer) async -> RuntimeResponse {
        let registry = self.registry
        let (path, query) = Self.splitPathAndQuery(request.path ?? "/")
        let userRequest = FCHTTPRequest(
            method: request.method, path: path, query: query,
            headers: request.headerFields.filter { !PlatformHeaders.isPlatformHeader($0.name.canonicalName) },
            body: body
        )
        return await runInvocation(headers, type: "http", trigger: "http") { context in
            let handler = try registry.httpHandler(for: context.function.handler)
            return Self.runtimeResponse(for: try await handler.handle(userRequest, context: context), logger: context.logger)
        }
    }

    /// Runs an event or HTTP invocation: claims the cold start, runs the initializer first when needed, traces it
    /// (`Invocation` span), runs it through the pipeline counted in flight — failed with the initializer's error
    /// when that failed — and follows its End line with the `FCInsights` record.
    private func runInvocation(
        _ headers: PlatformHeaders, type: String, trigger: String,
        _ body: @escaping @Sendable (FCContext) async throws -> RuntimeResponse
    ) async -> RuntimeResponse {
        let isColdStart = !coldStartClaimed.exchange(true, ordering: .relaxed)
        var context = parser.context(from: headers, isColdStart: isColdStart)
        let trace = tracing.decide(for: context)
        if let trace { tracing.reportRuntimeInitializationOnce(trace) }
        var initializerOutcome: InitializerGate.Outcome?
        if registry.initializer != nil, !initializerGate.hasSucceeded {
            // The invocation's section reports the header warnings; the initializer's does not repeat them.
            initializerOutcome = await runInitializerOnce(context.withoutHeaderWarnings(), trace: trace)
            // The invocation's own timeout starts after the initializer, as on FC.
            context = context.with(deadline: .now.advanced(by: context.function.timeout))
        }
        let initializerError = initializerOutcome?.error
        let span = trace.map {
            $0.startOperationSpan("Invocation", kind: .server, runtimeAttributes: RuntimeSpanAttributes.invocation(context, trigger: trigger))
        }
        if let span { context = context.with(serviceContext: span.serviceContext) }
        monitor.invocationStarted(context)
        defer { monitor.invocationFinished() }
        let initializationDuration = context.isColdStart ? initializerGate.successfulDuration : nil
        let invocationContext = context
        let result = await pipeline.run(
            .invoke, context: context, timeout: context.function.timeout,
            trailer: { result, lines in
                guard configuration.requestMetrics else { return }
                insightsRecord(invocationContext, trace: trace, result: result, type: type, initializationDuration: initializationDuration)
                    .appendLine(to: &lines, cache: insightsLines)
            },
            serviceContext: span == nil ? nil : invocationContext.serviceContext
        ) {
            if let initializerError { throw ReportedFunctionError(body: initializerError) }
            return try await body(invocationContext)
        }
        if let span, span.isRecorded {
            span.end(error: result.error)
            tracing.sendQueuedSpans()
        }
        return result.response
    }

    private func insightsRecord(
        _ context: FCContext, trace: TraceDecision?, result: InvocationPipeline.Result, type: String, initializationDuration: Duration?
    ) -> InsightsRecord {
        let errorType: InsightsRecord.ErrorType? =
            switch result.outcome {
            case .success: nil
            case .timedOut: .timeout
            case .unhandledError: .unhandled
            }
        // FC's header as it came when the trace follows it; else the W3C context it follows, or the trace started
        // here (its root: the invocation). An invalid FC header is not named: the trace does not follow it.
        let traceContext = trace.map { trace -> InsightsRecord.TraceContext in
            if context.tracing.spanContextIsOpenTracingHeader { return .header(context.tracing.openTracingSpanContext) }
            return .spanContext(
                context.tracing.spanContext
                    ?? JaegerSpanContext(generated: trace.traceID, spanID: trace.operation.spanID, parentSpanID: 0, flags: trace.flags))
        }
        return InsightsRecord(
            serviceName: context.service.name, functionName: context.function.name, versionID: context.service.versionID,
            qualifier: context.service.qualifier, requestID: context.requestID, memoryMB: context.function.memoryMB,
            memoryUsageMB: monitor.memoryUsageBytes()?.megabytes ?? 0, durationMs: result.duration.milliseconds,
            isColdStart: context.isColdStart, errorType: errorType,
            initializationDurationMs: initializationDuration?.milliseconds,
            traceContext: traceContext, isSampled: trace?.isSampled,
            invocationStartTimestamp: result.startedAtEpochMilliseconds, instanceID: monitor.instanceID,
            hostname: monitor.host.hostname, invocationType: type)
    }

    // MARK: - Initializer and lifecycle hooks

    private func initialize(headers: PlatformHeaders) async -> RuntimeResponse {
        let context = parser.context(from: headers, isColdStart: false)
        let trace = tracing.decide(for: context)
        if let trace { tracing.reportRuntimeInitializationOnce(trace) }
        let response = await runInitializerOnce(context, trace: trace).response
        if trace?.sink != nil { tracing.sendQueuedSpans() }
        return response
    }

    /// Runs the initializer unless it has succeeded (concurrent callers share one run), traced as `Initializer`.
    private func runInitializerOnce(_ context: FCContext, trace: TraceDecision?) async -> InitializerGate.Outcome {
        let pipeline = self.pipeline
        let initializer = registry.initializer
        let timeout = context.function.initializationTimeout
        let initContext = context.with(deadline: .now.advanced(by: timeout))
        return await initializerGate.ensure {
            let span = trace.map { $0.startRuntimeSpan("Initializer", runtimeAttributes: RuntimeSpanAttributes.initializer(initContext)) }
            let tracedContext = span.map { initContext.with(serviceContext: $0.serviceContext) } ?? initContext
            let result = await pipeline.run(
                .initialize, context: tracedContext, timeout: timeout, serviceContext: span == nil ? nil : tracedContext.serviceContext
            ) {
                try await initializer?(tracedContext)
                return .success(ByteBuffer())
            }
            span?.end(error: result.error)
            return .init(response: result.response, error: result.error, duration: result.duration)
        }.outcome
    }

    private func preStop(headers: PlatformHeaders) async -> RuntimeResponse {
        preStopHasRun.store(true, ordering: .relaxed)
        return await lifecycle(.preStop, hook: registry.preStop, headers: headers)
    }

    /// Runs a pre-freeze or pre-stop hook, then waits (bounded) for queued spans to leave: a frozen or stopped
    /// instance sends nothing.
    private func lifecycle(_ operation: FCLogLine.Operation, hook: LifecycleHook?, headers: PlatformHeaders) async -> RuntimeResponse {
        let context = parser.context(from: headers, isColdStart: false)
        let response = await pipeline.run(operation, context: context, timeout: context.function.timeout) {
            try await hook?(context)
            return .success(ByteBuffer())
        }.response
        await tracing.flush()
        return response
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
