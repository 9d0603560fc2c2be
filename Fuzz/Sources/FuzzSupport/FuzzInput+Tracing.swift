import Tracing

/// A `stringConvertible` attribute value whose text comes from the fuzzer.
public struct FuzzDescribed: CustomStringConvertible, Sendable {
    /// The fuzzer's text.
    public let description: String

    /// Wraps `description`.
    public init(description: String) {
        self.description = description
    }
}

/// A point in time with a fuzzer-chosen value, for span events.
public struct FuzzInstant: TracerInstant {
    /// The instant, as the Tracing API counts it.
    public let nanosecondsSinceEpoch: UInt64

    /// The instant `nanoseconds` after the epoch.
    public init(_ nanoseconds: UInt64) {
        nanosecondsSinceEpoch = nanoseconds
    }

    /// Earlier instants first.
    public static func < (lhs: FuzzInstant, rhs: FuzzInstant) -> Bool { lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch }
}

extension FuzzInput {
    /// Any span attribute value the Tracing API allows, arrays and odd doubles included.
    public mutating func attribute() -> SpanAttribute {
        switch int(below: 12) {
        case 0: .int32(Int32(truncatingIfNeeded: int64()))
        case 1: .int64(int64())
        case 2: .double(double())
        case 3: .bool(bool())
        case 4: .string(string(maxCount: 300))
        case 5: .int32Array((0..<int(below: 4)).map { _ in Int32(truncatingIfNeeded: int64()) })
        case 6: .int64Array((0..<int(below: 4)).map { _ in int64() })
        case 7: .doubleArray((0..<int(below: 4)).map { _ in double() })
        case 8: .boolArray((0..<int(below: 4)).map { _ in bool() })
        case 9: .stringArray((0..<int(below: 4)).map { _ in string(maxCount: 40) })
        case 10: .stringConvertible(FuzzDescribed(description: string(maxCount: 100)))
        default: .stringConvertibleArray((0..<int(below: 4)).map { _ in FuzzDescribed(description: string(maxCount: 40)) })
        }
    }

    /// Up to `maxCount` key–value pairs (keys may repeat).
    public mutating func attributePairs(maxCount: Int) -> [(String, SpanAttribute)] {
        (0..<int(below: maxCount + 1)).map { _ in (string(maxCount: 40), attribute()) }
    }

    /// A `SpanAttributes` dictionary of up to `maxCount` entries.
    public mutating func spanAttributes(maxCount: Int) -> SpanAttributes {
        var attributes = SpanAttributes()
        for (key, value) in attributePairs(maxCount: maxCount) { attributes.set(key, value: value) }
        return attributes
    }

    /// Any span kind.
    public mutating func spanKind() -> SpanKind { pick([.server, .client, .producer, .consumer, .internal]) }

    /// No status, OK, or an error with or without a message.
    public mutating func spanStatus() -> SpanStatus? {
        switch int(below: 4) {
        case 0: nil
        case 1: SpanStatus(code: .ok)
        case 2: SpanStatus(code: .error)
        default: SpanStatus(code: .error, message: string(maxCount: 200))
        }
    }

    /// An event with a fuzzer-chosen time.
    public mutating func spanEvent() -> SpanEvent {
        let name = string(maxCount: 60)
        return SpanEvent(name: name, at: FuzzInstant(uint64()), attributes: spanAttributes(maxCount: 3))
    }
}
