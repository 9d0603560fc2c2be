import Foundation

/// Decodes an OTLP/HTTP JSON `ExportTraceServiceRequest` (what a function POSTs to `/v1/traces`).
enum OTLPRequestDecoder {
    static func decode(_ body: Data) throws -> [CollectedSpan] {
        let request = try JSONDecoder().decode(Request.self, from: body)
        var spans: [CollectedSpan] = []
        for resourceSpans in request.resourceSpans ?? [] {
            let serviceName = resourceSpans.resource?.attributes?.first { $0.key == "service.name" }?.value.stringValue ?? ""
            for scope in resourceSpans.scopeSpans ?? [] {
                for span in scope.spans ?? [] {
                    let start = max(0, Int64(span.startTimeUnixNano) ?? 0), end = max(start, Int64(span.endTimeUnixNano) ?? start)
                    let parent = span.parentSpanId.flatMap { $0.isEmpty ? nil : $0.lowercased() }
                    spans.append(
                        CollectedSpan(
                            traceID: span.traceId.lowercased(), spanID: span.spanId.lowercased(), parentSpanID: parent, name: span.name,
                            startMicroseconds: start / 1000, durationMicroseconds: (end - start) / 1000, serviceName: serviceName,
                            tags: (span.attributes ?? []).compactMap(\.tag), flags: span.flags ?? 1))
                }
            }
        }
        return spans
    }

    private struct Request: Decodable { let resourceSpans: [ResourceSpans]? }
    private struct ResourceSpans: Decodable {
        let resource: Resource?
        let scopeSpans: [ScopeSpans]?
    }
    private struct Resource: Decodable { let attributes: [KeyValue]? }
    private struct ScopeSpans: Decodable { let spans: [Span]? }
    private struct Span: Decodable {
        let traceId: String
        let spanId: String
        let parentSpanId: String?
        let name: String
        let flags: Int?
        let startTimeUnixNano: String
        let endTimeUnixNano: String
        let attributes: [KeyValue]?
    }
    private struct KeyValue: Decodable {
        let key: String
        let value: AnyValue

        var tag: CollectedSpan.Tag? {
            if let text = value.stringValue { return .init(key: key, type: "string", value: .string(text)) }
            if let flag = value.boolValue { return .init(key: key, type: "bool", value: .bool(flag)) }
            if let number = value.intValue { return .init(key: key, type: "int64", value: .int(number)) }
            if let number = value.doubleValue { return .init(key: key, type: "float64", value: .double(number)) }
            return nil
        }
    }
    private struct AnyValue: Decodable {
        let stringValue: String?
        let boolValue: Bool?
        let intValue: Int64?
        let doubleValue: Double?

        enum CodingKeys: String, CodingKey { case stringValue, boolValue, intValue, doubleValue }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            stringValue = try container.decodeIfPresent(String.self, forKey: .stringValue)
            boolValue = try container.decodeIfPresent(Bool.self, forKey: .boolValue)
            doubleValue = try container.decodeIfPresent(Double.self, forKey: .doubleValue)
            // OTLP JSON writes 64-bit integers as strings; accept numbers too.
            if let text = try? container.decodeIfPresent(String.self, forKey: .intValue) {
                intValue = Int64(text)
            } else {
                intValue = try container.decodeIfPresent(Int64.self, forKey: .intValue)
            }
        }
    }
}
