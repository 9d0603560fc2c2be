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
    /// The destination of the last endpoint and function identity seen (one function per instance, in practice).
    private let destinationCache = Mutex<CachedDestination?>(nil)
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
        let sink = flags & 0x1 != 0 ? endpoint.map { SpanSink(exporter: exporter, destination: destination($0, context)) } : nil
        return TraceDecision(
            traceID: incoming.map { TraceIdentifier(high: $0.traceIDHigh, low: $0.traceIDLow) } ?? SpanIDGenerator.traceID(),
            platformSpanID: incoming?.spanID ?? 0, flags: flags, traceState: context.tracing.traceState,
            baggage: context.tracing.openTracingSpanBaggages, sink: sink, invocationSpanID: SpanIDGenerator.next())
    }

    /// Emits `RuntimeInitialization` (process start → ready) once per process, with the first recorded trace.
    func reportRuntimeInitializationOnce(_ decision: TraceDecision) {
        guard decision.sink != nil, processStartNanoseconds != 0 else { return }
        let ready = readyAtNanoseconds.load(ordering: .relaxed)
        guard ready != 0, !runtimeInitializationReported.exchange(true, ordering: .relaxed) else { return }
        let span = decision.startSpan(
            "RuntimeInitialization", spanID: SpanIDGenerator.next(), parentSpanID: decision.parentOfRuntimeSpans, kind: .internal,
            startNanoseconds: processStartNanoseconds, runtimeAttributes: RuntimeAttributes(runtimeVersion: RuntimeVersion.current))
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

    /// Where spans of `context`'s function go; built once per endpoint and function identity (one, in practice).
    private func destination(_ endpoint: String, _ context: FCContext) -> TraceDestination {
        // One reference leaves the lock; the comparison reads the context's fields in place.
        if let cached = destinationCache.withLock({ $0 }), cached.endpoint == endpoint, cached.identity.matches(context) {
            return cached.destination
        }
        let identity = RuntimeSpanAttributes.Identity(context)
        let destination = TraceDestination(
            endpoint: Secret(endpoint), serviceName: "FC:\(identity.serviceName)/\(identity.functionName)",
            function: RuntimeSpanAttributes.resource(identity))
        destinationCache.withLock { $0 = CachedDestination(endpoint: endpoint, identity: identity, destination: destination) }
        return destination
    }

    /// A destination with what it was built from (immutable, so one reference is copied out of the lock).
    private final class CachedDestination: Sendable {
        let endpoint: String
        let identity: RuntimeSpanAttributes.Identity
        let destination: TraceDestination

        init(endpoint: String, identity: RuntimeSpanAttributes.Identity, destination: TraceDestination) {
            self.endpoint = endpoint
            self.identity = identity
            self.destination = destination
        }
    }
}

/// How one operation is traced: the trace it belongs to, the platform's span (its parent) and where spans go.
/// A class, because the invocation's closures and spans each hold it (copies of the struct retained six references).
final class TraceDecision: Sendable {
    let traceID: TraceIdentifier
    /// The span id the platform sent (the `InvokeFunction` span); 0 when this trace was started here.
    let platformSpanID: UInt64
    let flags: UInt8
    let traceState: String
    let baggage: [String: String]
    /// `nil` when the trace is propagated but not recorded (not sampled, or no collector).
    let sink: SpanSink?
    /// The id of the operation's own span, chosen up front so that spans created before it can name it.
    let invocationSpanID: UInt64

    init(
        traceID: TraceIdentifier, platformSpanID: UInt64, flags: UInt8, traceState: String, baggage: [String: String], sink: SpanSink?,
        invocationSpanID: UInt64
    ) {
        self.traceID = traceID
        self.platformSpanID = platformSpanID
        self.flags = flags
        self.traceState = traceState
        self.baggage = baggage
        self.sink = sink
        self.invocationSpanID = invocationSpanID
    }

    /// The parent of `Initializer` and `RuntimeInitialization`: the platform span, else the invocation's span.
    var parentOfRuntimeSpans: UInt64 { platformSpanID != 0 ? platformSpanID : invocationSpanID }

    var isSampled: Bool { flags & 0x1 != 0 }

    /// Starts a runtime span of this trace.
    func startSpan(
        _ name: String, spanID: UInt64, parentSpanID: UInt64, kind: SpanKind,
        startNanoseconds: UInt64 = DefaultTracerClock.now.nanosecondsSinceEpoch,
        runtimeAttributes: RuntimeAttributes = .none
    ) -> RuntimeSpan {
        let active = ActiveSpan(
            traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, flags: flags, traceState: traceState, baggage: baggage,
            sink: sink)
        return RuntimeSpan(
            name: name, kind: kind, active: active, startNanoseconds: startNanoseconds, runtimeAttributes: runtimeAttributes)
    }
}
