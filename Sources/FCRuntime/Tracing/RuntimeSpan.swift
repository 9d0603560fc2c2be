import Instrumentation
import Tracing

/// A span the runtime itself opens and closes (`Invocation`, `Initializer`, `RuntimeInitialization`): not an
/// ``FCSpan``, because nothing but the runtime changes it — spans created inside it through `withSpan` only need
/// its ids, which its ``serviceContext`` carries.
///
/// A class: the invocation's closures each hold it. As a struct, every copy retained and released its strings
/// and its active span one by one.
final class RuntimeSpan: Sendable {
    /// The operation name (`Invocation`, `Initializer`, `RuntimeInitialization`).
    let name: String
    /// The span's kind (`server` for an invocation).
    let kind: SpanKind
    /// The span's ids, trace state, baggage and sink.
    let active: ActiveSpan
    /// Start, in nanoseconds since the epoch.
    let startNanoseconds: UInt64
    /// The attributes the runtime puts on this span.
    let runtimeAttributes: RuntimeAttributes

    /// Starts a span at `startNanoseconds`; ``end(error:atNanoseconds:)`` finishes it.
    init(name: String, kind: SpanKind, active: ActiveSpan, startNanoseconds: UInt64, runtimeAttributes: RuntimeAttributes) {
        self.name = name
        self.kind = kind
        self.active = active
        self.startNanoseconds = startNanoseconds
        self.runtimeAttributes = runtimeAttributes
    }

    /// Whether the span is exported (its trace is sampled and has a collector).
    var isRecorded: Bool { active.sink != nil }

    /// The context that makes this span the parent of spans created under it.
    var serviceContext: ServiceContext {
        var context = ServiceContext.topLevel
        context[ActiveSpanKey.self] = active
        return context
    }

    /// Ends the span; a recorded one is queued for export. An error body adds `error.type` and an error status.
    func end(error: ErrorBody? = nil, atNanoseconds end: UInt64 = DefaultTracerClock.now.nanosecondsSinceEpoch) {
        guard let sink = active.sink else { return }
        var attributes = runtimeAttributes
        var status: SpanStatus?
        if let error {
            attributes.errorType = error.errorType
            status = SpanStatus(code: .error, message: "\(error.errorType): \(error.errorMessage)")
        }
        let finished = FinishedSpan(
            traceID: active.traceID, spanID: active.spanID, parentSpanID: active.parentSpanID, flags: active.flags, name: name,
            kind: kind, startNanoseconds: startNanoseconds, endNanoseconds: end, runtimeAttributes: attributes, attributes: [:], events: [], status: status, links: [])
        sink.exporter.enqueue(finished, to: sink.destination)
    }
}
