/// Writes Thrift's binary protocol (big-endian integers, length-prefixed strings, `type id` field headers and a stop
/// byte per struct): the encoding a Jaeger collector's `/api/traces` endpoint reads for `application/x-thrift`.
/// Writes are stores into a ``ByteWriter``.
struct ThriftBinaryWriter: ~Copyable {
    /// Thrift's wire type codes.
    enum WireType: UInt8 {
        case bool = 2, double = 4, i32 = 8, i64 = 10, string = 11, structure = 12, list = 15
    }

    private var writer: ByteWriter

    init(capacity: Int = 1024) {
        writer = ByteWriter(capacity: capacity)
    }

    /// The encoded bytes; the writer's memory is released.
    consuming func finish() -> [UInt8] { writer.finish() }

    /// Starts a field of the enclosing struct.
    @inline(__always)
    mutating func field(_ type: WireType, id: Int16) {
        writer.reserve(3)
        writer.appendUnchecked(type.rawValue)
        writer.appendUnchecked(UInt8(truncatingIfNeeded: id >> 8))
        writer.appendUnchecked(UInt8(truncatingIfNeeded: id))
    }

    /// Ends the enclosing struct.
    @inline(__always)
    mutating func stop() {
        writer.append(0)
    }

    /// Starts a list; its `count` elements follow.
    @inline(__always)
    mutating func listHeader(of type: WireType, count: Int) {
        writer.append(type.rawValue)
        writer.appendBigEndian(UInt32(truncatingIfNeeded: count))
    }

    @inline(__always)
    mutating func i32(_ value: Int32) { writer.appendBigEndian(UInt32(bitPattern: value)) }
    @inline(__always)
    mutating func i64(_ value: Int64) { writer.appendBigEndian(UInt64(bitPattern: value)) }
    mutating func double(_ value: Double) { writer.appendBigEndian(value.bitPattern) }
    @inline(__always)
    mutating func bool(_ value: Bool) { writer.append(value ? 1 : 0) }

    /// Bytes already in Thrift's encoding (for example pre-encoded structs).
    mutating func append(_ encoded: [UInt8]) { writer.append(encoded) }

    /// A constant UTF-8 string.
    @inline(__always)
    mutating func string(_ value: StaticString) {
        writer.appendBigEndian(UInt32(truncatingIfNeeded: value.utf8CodeUnitCount))
        writer.append(value)
    }

    /// A UTF-8 string (Thrift `string` and `binary` share this form).
    @inline(__always)
    mutating func string(_ value: String) {
        writer.appendBigEndian(UInt32(truncatingIfNeeded: value.utf8.count))
        writer.append(utf8: value)
    }
}
