import Tracing

/// A 128-bit trace id as two 64-bit halves (`high` is 0 for a 64-bit id).
struct TraceIdentifier: Sendable, Hashable {
    let high: UInt64
    let low: UInt64

    /// 32 lower-case hex digits (W3C and OTLP form).
    var hex32: String { HexDigits.sixteen(high) + HexDigits.sixteen(low) }
}

/// A span that has ended: the immutable record the exporters encode. A class, so that queueing, batching and
/// grouping pass one reference around instead of copying a dozen fields (each copy cost retains and releases).
final class FinishedSpan: Sendable {
    /// A reference to another span (jaeger.thrift `SpanRef` FOLLOWS_FROM, OTLP link).
    struct Link: Sendable {
        let traceID: TraceIdentifier
        let spanID: UInt64
        let attributes: SpanAttributes
    }

    let traceID: TraceIdentifier
    let spanID: UInt64
    /// 0 for a root span.
    let parentSpanID: UInt64
    /// Jaeger flags (bit 0 sampled, bit 1 debug).
    let flags: UInt8
    let name: String
    let kind: SpanKind
    let startNanoseconds: UInt64
    let endNanoseconds: UInt64
    /// Attributes the runtime set for this span alone (request id, cold start, …).
    let runtimeAttributes: RuntimeAttributes
    /// Attributes set through the `Span` API.
    let attributes: SpanAttributes
    let events: [SpanEvent]
    let status: SpanStatus?
    let links: [Link]

    init(
        traceID: TraceIdentifier, spanID: UInt64, parentSpanID: UInt64, flags: UInt8, name: String, kind: SpanKind,
        startNanoseconds: UInt64, endNanoseconds: UInt64, runtimeAttributes: RuntimeAttributes, attributes: SpanAttributes,
        events: [SpanEvent], status: SpanStatus?, links: [Link]
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.flags = flags
        self.name = name
        self.kind = kind
        self.startNanoseconds = startNanoseconds
        self.endNanoseconds = endNanoseconds
        self.runtimeAttributes = runtimeAttributes
        self.attributes = attributes
        self.events = events
        self.status = status
        self.links = links
    }

    /// Every attribute, in encoding order: the runtime's, then the span API's.
    var allAttributes: [(String, SpanAttribute)] { runtimeAttributes.pairs + attributes.pairs }

    var durationNanoseconds: UInt64 { endNanoseconds >= startNanoseconds ? endNanoseconds - startNanoseconds : 0 }

    /// The kind's lower-case name, as Jaeger's `span.kind` tag spells it.
    var kindName: String {
        switch kind {
        case .server: "server"
        case .client: "client"
        case .producer: "producer"
        case .consumer: "consumer"
        default: "internal"
        }
    }
}

/// The process that produced spans: Jaeger's `Process` (service name + tags), OTLP's resource.
struct TraceProcess: Sendable {
    /// `FC:<serviceName>/<functionName>`, the application name FC's console shows.
    let serviceName: String
    /// The host's and runtime's tags.
    let tags: [(String, SpanAttribute)]
    /// The function's attributes.
    let function: FunctionResource?

    /// Every tag, host first.
    var allTags: [(String, SpanAttribute)] { tags + (function?.entries ?? []) }
}

/// The attributes of the function that produced spans — OpenTelemetry's FaaS and cloud *resource* attributes
/// (`faas.name`, `faas.max_memory`, `cloud.region`, …): exported once per batch with the process (Jaeger) or
/// resource (OTLP), not repeated on every span. Its Thrift tag encoding is computed once.
final class FunctionResource: Sendable, Hashable {
    let entries: [(String, SpanAttribute)]
    /// The entries as consecutive jaeger.thrift `Tag` structs.
    let thriftTags: [UInt8]

    init(_ entries: [(String, SpanAttribute)]) {
        self.entries = entries
        self.thriftTags = JaegerThriftEncoder.tagBytes(entries)
    }

    static func == (lhs: FunctionResource, rhs: FunctionResource) -> Bool { lhs === rhs }
    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

extension SpanAttributes {
    /// The attributes as key–value pairs, the form both encoders write.
    var pairs: [(String, SpanAttribute)] {
        var pairs: [(String, SpanAttribute)] = []
        pairs.reserveCapacity(count)
        forEach { pairs.append(($0, $1)) }
        return pairs
    }
}

/// Hex formatting shared by the encoders and header writers.
enum HexDigits {
    /// 16 lower-case hex digits, zero-padded.
    static func sixteen(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in write(value, minimumDigits: 16, into: buffer, at: 0) }
    }

    /// Writes `value` in lower-case hex, zero-padded to `minimumDigits` (1...16), at `index`; returns the index after.
    static func write(_ value: UInt64, minimumDigits: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        let significant = value == 0 ? 1 : (67 - value.leadingZeroBitCount) / 4
        let width = max(significant, minimumDigits)
        for position in 0..<width {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt64(4 * (width - 1 - position))) & 0xF
            buffer[index + position] = nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ nibble &- 10
        }
        return index + width
    }

    /// 2 lower-case hex digits.
    static func two(_ value: UInt8) -> String {
        value < 16 ? "0" + String(value, radix: 16) : String(value, radix: 16)
    }
}

/// The text form of attribute values that Jaeger tags and OTLP values have no direct type for.
enum SpanAttributeText {
    static func string(_ value: SpanAttribute) -> String {
        switch value {
        case .string(let text): text
        case .int32(let number): String(number)
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        case .stringConvertible(let value): value.description
        case .int32Array(let values): "[" + values.map { String($0) }.joined(separator: ",") + "]"
        case .int64Array(let values): "[" + values.map { String($0) }.joined(separator: ",") + "]"
        case .doubleArray(let values): "[" + values.map { String($0) }.joined(separator: ",") + "]"
        case .boolArray(let values): "[" + values.map { String($0) }.joined(separator: ",") + "]"
        case .stringArray(let values): jsonArray(values)
        case .stringConvertibleArray(let values): jsonArray(values.map(\.description))
        default: "\(value)"
        }
    }

    private static func jsonArray(_ values: [String]) -> String {
        var writer = ByteWriter(capacity: 64)
        writer.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { writer.append(UInt8(ascii: ",")) }
            RecordJSON.appendQuoted(value, to: &writer)
        }
        writer.append(UInt8(ascii: "]"))
        return String(decoding: writer.finish(), as: UTF8.self)
    }
}
