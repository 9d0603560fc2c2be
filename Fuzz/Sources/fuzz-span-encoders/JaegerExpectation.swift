import FuzzSupport
import Tracing

@testable import FCRuntime

/// What a Jaeger collector must read from a batch, derived from the encoder's input by the rules the README and
/// jaeger.thrift give — not by calling the encoder's helpers.
enum JaegerExpectation {
    static func batch(process: TraceProcess, spans: [FinishedSpan]) -> JaegerBatchModel {
        JaegerBatchModel(
            serviceName: Array(process.serviceName.utf8),
            processTags: (process.tags + (process.function?.entries ?? [])).map(tag),
            spans: spans.map(span))
    }

    private static func span(_ span: FinishedSpan) -> JaegerBatchModel.Span {
        var references: [JaegerBatchModel.Reference] = []
        if span.parentSpanID != 0 {
            references.append(.init(type: 0, traceIDLow: signed(span.traceID.low), traceIDHigh: signed(span.traceID.high), spanID: signed(span.parentSpanID)))
        }
        for link in span.links {
            references.append(.init(type: 1, traceIDLow: signed(link.traceID.low), traceIDHigh: signed(link.traceID.high), spanID: signed(link.spanID)))
        }
        var tags = (span.runtimeAttributes.expectedEntries + span.attributes.entries).map(tag)
        let kind: String =
            switch span.kind {
            case .server: "server"
            case .client: "client"
            case .producer: "producer"
            case .consumer: "consumer"
            default: "internal"
            }
        tags.append(stringTag("span.kind", kind))
        switch span.status?.code {
        case .error?:
            tags.append(.init(key: Array("error".utf8), value: .bool(true)))
            tags.append(stringTag("otel.status_code", "ERROR"))
            if let message = span.status?.message { tags.append(stringTag("otel.status_description", message)) }
        case .ok?:
            tags.append(stringTag("otel.status_code", "OK"))
        case nil:
            break
        }
        let logs = span.events.map { event in
            JaegerBatchModel.Log(
                timestamp: Int64(event.nanosecondsSinceEpoch / 1000),
                fields: [stringTag("event", event.name)] + event.attributes.entries.map(tag))
        }
        return JaegerBatchModel.Span(
            traceIDLow: signed(span.traceID.low), traceIDHigh: signed(span.traceID.high), spanID: signed(span.spanID),
            parentSpanID: signed(span.parentSpanID), operationName: Array(span.name.utf8), references: references.isEmpty ? nil : references,
            flags: Int32(span.flags), startTime: Int64(span.startNanoseconds / 1000),
            duration: Int64((span.endNanoseconds >= span.startNanoseconds ? span.endNanoseconds - span.startNanoseconds : 0) / 1000),
            tags: tags, logs: logs.isEmpty ? nil : logs)
    }

    /// Integers, finite doubles and booleans keep their type; everything else becomes text.
    private static func tag(_ entry: (String, SpanAttribute)) -> JaegerBatchModel.Tag {
        let (key, value) = entry
        switch value {
        case .int32(let number): return .init(key: Array(key.utf8), value: .long(Int64(number)))
        case .int64(let number): return .init(key: Array(key.utf8), value: .long(number))
        case .double(let number) where number.isFinite: return .init(key: Array(key.utf8), value: .double(number.bitPattern))
        case .bool(let flag): return .init(key: Array(key.utf8), value: .bool(flag))
        default:
            if let text = AttributeText.text(of: value) { return stringTag(key, text) }
            return .init(key: Array(key.utf8), value: .jsonStringArray(AttributeText.jsonElements(of: value) ?? []))
        }
    }

    private static func stringTag(_ key: String, _ value: String) -> JaegerBatchModel.Tag {
        .init(key: Array(key.utf8), value: .string(Array(value.utf8)))
    }

    private static func signed(_ value: UInt64) -> Int64 { Int64(bitPattern: value) }
}

/// The text an attribute becomes where the wire format has no type for it: numbers and booleans as Swift prints
/// them (`description`: `nan`, `inf`, a NaN without its payload), number and boolean arrays as `[a,b]`; `nil` for
/// string arrays, which become a JSON array whose exact bytes are the encoder's choice (see ``jsonElements(of:)``).
enum AttributeText {
    static func text(of value: SpanAttribute) -> String? {
        switch value {
        case .string(let text): text
        case .int32(let number): "\(number)"
        case .int64(let number): "\(number)"
        case .double(let number): number.description
        case .bool(let flag): "\(flag)"
        case .stringConvertible(let value): value.description
        case .int32Array(let values): "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
        case .int64Array(let values): "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
        case .doubleArray(let values): "[" + values.map(\.description).joined(separator: ",") + "]"
        case .boolArray(let values): "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
        case .stringArray, .stringConvertibleArray: nil
        default: "\(value)"
        }
    }

    /// The elements of a string array attribute.
    static func jsonElements(of value: SpanAttribute) -> [String]? {
        switch value {
        case .stringArray(let values): values
        case .stringConvertibleArray(let values): values.map(\.description)
        default: nil
        }
    }
}
