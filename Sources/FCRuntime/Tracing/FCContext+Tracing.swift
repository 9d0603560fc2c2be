import HTTPTypes
import Instrumentation

extension FCContext {
    /// Headers that continue the current trace in a downstream call: `uber-trace-id` (Jaeger), `traceparent` and
    /// `tracestate` (W3C) and `baggage`. They name the innermost active span (a `withSpan` around the call, else the
    /// invocation's span); empty when the invocation is not traced.
    ///
    /// ```swift
    /// var request = HTTPClientRequest(url: downstream)
    /// for field in context.outgoingTraceHeaders { request.headers.add(name: field.name.rawName, value: field.value) }
    /// ```
    public var outgoingTraceHeaders: HTTPFields {
        let current = ServiceContext.current?[ActiveSpanKey.self] ?? serviceContext[ActiveSpanKey.self]
        guard let current else { return [:] }
        var fields = HTTPFields()
        for (name, value) in TraceHeaders.outgoing(for: current) {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return fields
    }
}
