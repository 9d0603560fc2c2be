import FuzzSupport
import Tracing

@testable import FCRuntime

/// What an OTLP/HTTP JSON receiver must read from an export request, derived from the encoder's input by the OTLP
/// JSON encoding rules: lower-case hex ids, 64-bit integers and times as decimal strings, enums as numbers.
enum OTLPExpectation {
    static func request(process: TraceProcess, spans: [FinishedSpan]) -> JSONPattern {
        let resource = [("service.name", SpanAttribute.string(process.serviceName))] + process.tags + (process.function?.entries ?? [])
        let scope = JSONPattern.object(["name": .value(.string("swift-fc-runtime")), "version": .value(.string(RuntimeVersion.current))])
        return .object([
            "resourceSpans": .array([
                .object([
                    "resource": .object(["attributes": attributes(resource)]),
                    "scopeSpans": .array([.object(["scope": scope, "spans": .array(spans.map(span))])]),
                ])
            ])
        ])
    }

    private static func span(_ span: FinishedSpan) -> JSONPattern {
        var members: [String: JSONPattern] = [
            "traceId": text(hex(span.traceID.high) + hex(span.traceID.low)),
            "spanId": text(hex(span.spanID)),
            "flags": .value(.integer(Int64(span.flags & 1))),
            "name": text(span.name),
            "kind": .value(.integer(kindNumber(span.kind))),
            "startTimeUnixNano": text("\(span.startNanoseconds)"),
            "endTimeUnixNano": text("\(span.endNanoseconds)"),
            "attributes": attributes(span.runtimeAttributes.expectedEntries + span.attributes.entries),
        ]
        if span.parentSpanID != 0 { members["parentSpanId"] = text(hex(span.parentSpanID)) }
        if !span.events.isEmpty {
            members["events"] = .array(span.events.map { event in
                .object([
                    "timeUnixNano": text("\(event.nanosecondsSinceEpoch)"), "name": text(event.name),
                    "attributes": attributes(event.attributes.entries),
                ])
            })
        }
        if !span.links.isEmpty {
            members["links"] = .array(span.links.map { link in
                .object([
                    "traceId": text(hex(link.traceID.high) + hex(link.traceID.low)), "spanId": text(hex(link.spanID)),
                    "attributes": attributes(link.attributes.entries),
                ])
            })
        }
        if let status = span.status {
            var statusMembers: [String: JSONPattern] = ["code": .value(.integer(status.code == .ok ? 1 : 2))]
            if let message = status.message { statusMembers["message"] = text(message) }
            members["status"] = .object(statusMembers)
        }
        return .object(members)
    }

    private static func attributes(_ entries: [(String, SpanAttribute)]) -> JSONPattern {
        .array(entries.map { key, value in .object(["key": text(key), "value": anyValue(value)]) })
    }

    /// OTLP's `AnyValue`: typed scalars and arrays; values OTLP has no type for as their text.
    private static func anyValue(_ value: SpanAttribute) -> JSONPattern {
        switch value {
        case .string(let text): .object(["stringValue": self.text(text)])
        case .int32(let number): .object(["intValue": text("\(number)")])
        case .int64(let number): .object(["intValue": text("\(number)")])
        case .double(let number) where number.isFinite: .object(["doubleValue": .double(number)])
        case .bool(let flag): .object(["boolValue": .value(.bool(flag))])
        case .stringArray(let values): array(values.map { .string($0) })
        case .int32Array(let values): array(values.map { .int32($0) })
        case .int64Array(let values): array(values.map { .int64($0) })
        case .doubleArray(let values): array(values.map { .double($0) })
        case .boolArray(let values): array(values.map { .bool($0) })
        case .stringConvertibleArray(let values):
            .object(["stringValue": .stringHoldingJSON(.array(values.map { .value(.string($0.description)) }))])
        default: .object(["stringValue": text(AttributeText.text(of: value) ?? "")])
        }
    }

    private static func array(_ values: [SpanAttribute]) -> JSONPattern {
        .object(["arrayValue": .object(["values": .array(values.map(anyValue))])])
    }

    private static func kindNumber(_ kind: SpanKind) -> Int64 {
        switch kind {
        case .server: 2
        case .client: 3
        case .producer: 4
        case .consumer: 5
        default: 1
        }
    }

    private static func text(_ value: String) -> JSONPattern { .value(.string(value)) }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
