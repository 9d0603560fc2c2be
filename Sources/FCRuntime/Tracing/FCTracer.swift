import Instrumentation
import Tracing

/// This runtime's tracer, bootstrapped by ``FunctionRuntime/run()``: `withSpan("Name") { span in … }` inside a
/// handler creates a child of the invocation's span (or of the innermost enclosing `withSpan`).
///
/// Outside a traced invocation spans are inert: they cost one allocation and record nothing.
public struct FCTracer: Tracer {
    /// The span type.
    public typealias Span = FCSpan

    /// Creates the tracer; spans find their exporter through the service context, so the tracer has no state.
    public init() {}

    /// Starts a child of the context's active span; without one, an inert span.
    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> FCSpan {
        var context = context()
        guard let parent = context[ActiveSpanKey.self] else {
            return FCSpan(operationName, active: nil, kind: kind, startNanoseconds: 0, context: context)
        }
        let child = parent.child()
        context[ActiveSpanKey.self] = child
        return FCSpan(operationName, active: child, kind: kind, startNanoseconds: instant().nanosecondsSinceEpoch, context: context)
    }

    /// Spans leave after each invocation and at pre-freeze; there is nothing to force here.
    public func forceFlush() {}

    /// Reads `traceparent` (+ `tracestate`), else `uber-trace-id`, else FC's span-context header, into `context`
    /// as a remote parent. Spans under it propagate the trace but are only recorded inside invocations.
    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        let parsed: JaegerSpanContext? =
            if let traceParent = extractor.extract(key: TraceHeaders.traceParent, from: carrier) {
                try? JaegerSpanContext(traceParent: traceParent)
            } else if let uber = extractor.extract(key: TraceHeaders.uberTraceID, from: carrier)
                ?? extractor.extract(key: FCHeaderName.spanContext.canonicalName, from: carrier)
            {
                try? JaegerSpanContext(parsing: uber)
            } else {
                nil
            }
        guard let parsed else { return }
        context[ActiveSpanKey.self] = ActiveSpan(
            traceID: parsed.traceID, spanID: parsed.spanID,
            parentSpanID: parsed.parentSpanID, flags: parsed.flags,
            traceState: extractor.extract(key: TraceHeaders.traceState, from: carrier) ?? "", baggage: [:], sink: nil)
    }

    /// Writes the active span as `uber-trace-id`, `traceparent`, `tracestate` and `baggage` headers.
    public func inject<Carrier, Inject: Injector>(
        _ context: ServiceContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let active = context[ActiveSpanKey.self] else { return }
        for (name, value) in TraceHeaders.outgoing(for: active) {
            injector.inject(value, forKey: name, into: &carrier)
        }
    }
}
