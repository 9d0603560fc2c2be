/// Writes Thrift's binary protocol (big-endian integers, length-prefixed strings, `type id` field headers and a stop
/// byte per struct): the encoding a Jaeger collector's `/api/traces` endpoint reads for `application/x-thrift`.
struct ThriftBinaryWriter {
    /// Thrift's wire type codes.
    enum WireType: UInt8 {
        case bool = 2, double = 4, i32 = 8, i64 = 10, string = 11, structure = 12, list = 15
    }

    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// Starts a field of the enclosing struct.
    mutating func field(_ type: WireType, id: Int16) {
        bytes.append(type.rawValue)
        appendBigEndian(UInt16(bitPattern: id))
    }

    /// Ends the enclosing struct.
    mutating func stop() {
        bytes.append(0)
    }

    /// Starts a list; its `count` elements follow.
    mutating func listHeader(of type: WireType, count: Int) {
        bytes.append(type.rawValue)
        appendBigEndian(UInt32(truncatingIfNeeded: count))
    }

    mutating func i32(_ value: Int32) { appendBigEndian(UInt32(bitPattern: value)) }
    mutating func i64(_ value: Int64) { appendBigEndian(UInt64(bitPattern: value)) }
    mutating func double(_ value: Double) { appendBigEndian(value.bitPattern) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Bytes already in Thrift's encoding (for example pre-encoded structs).
    mutating func append(_ encoded: [UInt8]) { bytes.append(contentsOf: encoded) }

    /// A UTF-8 string (Thrift `string` and `binary` share this form).
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            appendBigEndian(UInt32(truncatingIfNeeded: utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    private mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
