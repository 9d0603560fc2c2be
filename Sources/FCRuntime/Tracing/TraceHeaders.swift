/// The propagation headers this runtime reads and writes for downstream calls.
enum TraceHeaders {
    /// Jaeger's propagation header: `traceId:spanId:parentSpanId:flags`.
    static let uberTraceID = "uber-trace-id"
    /// W3C Trace Context.
    static let traceParent = "traceparent"
    /// W3C Trace Context vendor state.
    static let traceState = "tracestate"
    /// W3C Baggage.
    static let baggage = "baggage"

    /// The headers that carry `span` to a downstream service, in a stable order.
    static func outgoing(for span: ActiveSpan) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            (uberTraceID, span.jaegerHeaderValue),
            (traceParent, span.traceParentValue),
        ]
        if !span.traceState.isEmpty { headers.append((traceState, span.traceState)) }
        if !span.baggage.isEmpty {
            let members = span.baggage.sorted { $0.key < $1.key }.map { "\(percentEncoded($0.key))=\(percentEncoded($0.value))" }
            headers.append((baggage, members.joined(separator: ",")))
        }
        return headers
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (safe for W3C baggage keys and values).
    static func percentEncoded(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + HexDigits.two(byte).uppercased()
            }
        }
        return result
    }
}
