import Instrumentation
import Logging
import Synchronization
import Tracing

/// The runtime's side of tracing: decides per operation whether it is traced (the caller's sampled flag, else the
/// rate-limiting sampler when a collector is configured), creates the runtime spans (`Invocation`, `Initializer`,
/// `RuntimeInitialization`) and owns the exporter that sends them.
final class RuntimeTracing: Sendable {
    let configuration: TracingConfiguration
    let exporter: SpanExporter
    private let sampler: RateLimitingSampler
    private let runtimeInitializationReported = Atomic<Bool>(false)
    private let readyAtNanoseconds = Atomic<UInt64>(0)
    /// The sink of the last endpoint and function identity seen (one function per instance, in practice).
    private let sinkCache = Mutex<CachedSink?>(nil)
    /// Wall-clock process start (ns since the epoch), 0 when `/proc` could not tell.
    private let processStartNanoseconds: UInt64

    init(configuration: TracingConfiguration, monitor: InstanceMonitor, logger: Logger) {
        self.configuration = configuration
        self.sampler = RateLimitingSampler(tracesPerSecond: configuration.samplesPerSecond)
        let now = DefaultTracerClock.now.nanosecondsSinceEpoch
        self.processStartNanoseconds = monitor.reader.processAge().map { now - UInt64(max(0, $0.nanoseconds)) } ?? 0
        self.exporter = SpanExporter(
            configuration: configuration,
            processTags: RuntimeSpanAttributes.processTags(monitor: monitor),
            warnings: ExportWarnings(logger: logger),
            instanceIsIdle: { [monitor] in monitor.invocationsInFlight == 0 })
    }

    /// Records the moment the server accepts connections (the end of `RuntimeInitialization`).
    func markReady() {
        readyAtNanoseconds.store(DefaultTracerClock.now.nanosecondsSinceEpoch, ordering: .relaxed)
    }

    /// Whether and how the operation of `context` is traced; `nil` for an untraced operation (the common case,
    /// which costs nothing further).
    func decide(for context: FCContext) -> TraceDecision? {
        let incoming = context.tracing.spanContext
        let endpoint = context.tracing.hasUsableJaegerEndpoint ? context.tracing.jaegerEndpoint.value : configuration.endpoint?.value
        let flags: UInt8
        if let incoming {
            flags = incoming.flags
        } else {
            guard endpoint != nil, sampler.shouldSample() else { return nil }
            flags = 1
        }
        let sink = flags & 0x1 != 0 ? endpoint.map { self.sink(for: $0, context) } : nil
        return TraceDecision(
            operation: ActiveSpan(
                traceID: incoming?.traceID ?? SpanIDGenerator.traceID(),
                spanID: SpanIDGenerator.next(), parentSpanID: incoming?.spanID ?? 0, flags: flags, traceState: context.tracing.traceState,
                baggage: context.tracing.openTracingSpanBaggages, sink: sink))
    }

    /// Emits `RuntimeInitialization` (process start → ready) once per process, with the first recorded trace.
    func reportRuntimeInitializationOnce(_ decision: TraceDecision) {
        guard decision.sink != nil, processStartNanoseconds != 0 else { return }
        let ready = readyAtNanoseconds.load(ordering: .relaxed)
        guard ready != 0, !runtimeInitializationReported.exchange(true, ordering: .relaxed) else { return }
        let span = decision.startRuntimeSpan(
            "RuntimeInitialization", startNanoseconds: processStartNanoseconds,
            runtimeAttributes: RuntimeAttributes(runtimeVersion: RuntimeVersion.current))
        span.end(atNanoseconds: ready)
    }

    /// Sends what is queued now, without waiting.
    func sendQueuedSpans() {
        exporter.kick()
    }

    /// Waits (at most the configured flush timeout) until queued spans have left; pre-freeze, pre-stop and shutdown
    /// call it because a frozen or stopped instance sends nothing.
    func flush() async {
        guard !exporter.isIdle else { return }
        await exporter.flush(timeout: configuration.flushTimeout)
    }

    /// Where recorded spans of `context`'s function go; built once per endpoint and function identity (one, in
    /// practice), so that traced invocations share one sink.
    private func sink(for endpoint: String, _ context: FCContext) -> SpanSink {
        // One reference leaves the lock; the comparison reads the context's fields in place.
        if let cached = sinkCache.withLock({ $0 }), cached.endpoint == endpoint, cached.identity.matches(context) {
            return cached.sink
        }
        let identity = RuntimeSpanAttributes.Identity(context)
        let destination = TraceDestination(
            endpoint: Secret(endpoint), serviceName: "FC:\(identity.serviceName)/\(identity.functionName)",
            function: RuntimeSpanAttributes.resource(identity))
        let sink = SpanSink(exporter: exporter, destination: destination)
        sinkCache.withLock { $0 = CachedSink(endpoint: endpoint, identity: identity, sink: sink) }
        return sink
    }

    /// A sink with what its destination was built from (immutable, so one reference is copied out of the lock).
    private final class CachedSink: Sendable {
        let endpoint: String
        let identity: RuntimeSpanAttributes.Identity
        let sink: SpanSink

        init(endpoint: String, identity: RuntimeSpanAttributes.Identity, sink: SpanSink) {
            self.endpoint = endpoint
            self.identity = identity
            self.sink = sink
        }
    }
}
