import Instrumentation
import Synchronization
import Tracing

/// A span of this runtime's tracer. Spans of a recorded trace keep their attributes, events and status and hand a
/// ``FinishedSpan`` to the exporter when they end; spans of an unrecorded trace only carry ids for propagation.
public final class FCSpan: Tracing.Span {
    private struct Recording {
        var name: String
        var attributes = SpanAttributes()
        var events: [SpanEvent] = []
        var status: SpanStatus?
        var links: [FinishedSpan.Link] = []
        var ended = false
    }

    /// The service context that holds this span (pass it to `withSpan(context:)` to create children elsewhere).
    public let context: ServiceContext
    /// The span's kind.
    public let kind: SpanKind
    let active: ActiveSpan?
    let startNanoseconds: UInt64
    private let recording: Mutex<Recording>

    init(
        _ name: String, active: ActiveSpan?, kind: SpanKind, startNanoseconds: UInt64, context: ServiceContext
    ) {
        self.active = active
        self.kind = kind
        self.startNanoseconds = startNanoseconds
        self.context = context
        self.recording = Mutex(Recording(name: name))
    }

    private var isRecorded: Bool { active?.sink != nil }

    /// The span's name.
    public var operationName: String {
        get { recording.withLock { $0.name } }
        set { recording.withLock { if !$0.ended { $0.name = newValue } } }
    }

    /// The span's attributes (kept only while the span records).
    public var attributes: SpanAttributes {
        get { recording.withLock { $0.attributes } }
        set {
            guard isRecorded else { return }
            recording.withLock { if !$0.ended { $0.attributes = newValue } }
        }
    }

    /// Whether the span belongs to a recorded trace and has not ended.
    public var isRecording: Bool { isRecorded && !recording.withLock { $0.ended } }

    /// Sets the status (an error status marks the span `error=true` in Jaeger).
    public func setStatus(_ status: SpanStatus) {
        guard isRecorded else { return }
        recording.withLock { if !$0.ended { $0.status = status } }
    }

    /// Adds an event (a Jaeger log).
    public func addEvent(_ event: SpanEvent) {
        guard isRecorded else { return }
        recording.withLock { if !$0.ended { $0.events.append(event) } }
    }

    /// Records an `exception` event with the error's type and message, and sets an error status unless one is set.
    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        guard isRecorded else { return }
        var eventAttributes = attributes
        let type = String(describing: Swift.type(of: error))
        let message = String(describing: error)
        eventAttributes["exception.type"] = type
        eventAttributes["exception.message"] = message
        let event = SpanEvent(name: "exception", at: instant(), attributes: eventAttributes)
        recording.withLock {
            guard !$0.ended else { return }
            $0.events.append(event)
            if $0.status == nil { $0.status = SpanStatus(code: .error, message: "\(type): \(message)") }
        }
    }

    /// Adds a link (a Jaeger FOLLOWS_FROM reference) to a span of this tracer.
    public func addLink(_ link: SpanLink) {
        guard isRecorded, let other = link.context[ActiveSpanKey.self] else { return }
        let reference = FinishedSpan.Link(traceID: other.traceID, spanID: other.spanID, attributes: link.attributes)
        recording.withLock { if !$0.ended { $0.links.append(reference) } }
    }

    /// Ends the span; a recorded span is queued for export. Later calls do nothing.
    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        guard let active, let sink = active.sink else { return }
        let endNanoseconds = instant().nanosecondsSinceEpoch
        let finished: FinishedSpan? = recording.withLock { state in
            guard !state.ended else { return nil }
            state.ended = true
            return FinishedSpan(
                traceID: active.traceID, spanID: active.spanID, parentSpanID: active.parentSpanID, flags: active.flags,
                name: state.name, kind: kind, startNanoseconds: startNanoseconds, endNanoseconds: endNanoseconds,
                runtimeAttributes: .none, attributes: state.attributes, events: state.events, status: state.status, links: state.links)
        }
        if let finished {
            sink.exporter.enqueue(finished, to: sink.destination)
            // A span that ends after its invocation (a detached task) must not wait for the next invocation.
            sink.exporter.kick()
        }
    }
}
