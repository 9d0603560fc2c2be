/// A span as fc-local's collector received it (from the function, Jaeger Thrift or OTLP JSON) or recorded it
/// itself (the platform spans): what the trace tree and Jaeger's JSON need.
struct CollectedSpan: Sendable, Codable, Equatable {
    /// A tag value with its Jaeger type name (`string`, `bool`, `int64`, `float64`, `binary`).
    struct Tag: Sendable, Codable, Equatable {
        let key: String
        let type: String
        let value: TagValue
    }

    enum TagValue: Sendable, Codable, Equatable {
        case string(String)
        case bool(Bool)
        case int(Int64)
        case double(Double)
    }

    /// 32 lower-case hex digits.
    let traceID: String
    /// 16 lower-case hex digits.
    let spanID: String
    /// 16 hex digits; `nil` for a root span.
    let parentSpanID: String?
    let name: String
    /// Microseconds since the epoch.
    let startMicroseconds: Int64
    let durationMicroseconds: Int64
    /// The application (Jaeger process / OTLP `service.name`).
    let serviceName: String
    let tags: [Tag]
    let flags: Int

    static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}
