/// Builds the monitoring records' lines — `<topic> {compact JSON}\n` — as bytes, with keys in a fixed order (the
/// order of the monitoring manual), in one pass and without Foundation: a record is written on every invocation.
///
/// JSON escaping leaves no raw control character in the object, so the finished line can be written as it is.
struct RecordJSON: ~Copyable {
    private var writer: ByteWriter
    /// Whether a member was written (the next one needs a comma).
    private var hasMembers: Bool

    /// Starts the line with its topic (escaped like any log text) and the opening brace.
    init(topic: String) {
        writer = ByteWriter(capacity: 512)
        LineText.appendEscaped(topic, to: &writer)
        writer.append(" {")
        hasMembers = false
    }

    /// Starts a fragment of members that follows other members (each one, the first included, after a comma),
    /// to be spliced into a line with ``append(fragment:)``.
    static func fragment() -> RecordJSON { RecordJSON(writer: ByteWriter(capacity: 128), hasMembers: true) }

    private init(writer: consuming ByteWriter, hasMembers: Bool) {
        self.writer = writer
        self.hasMembers = hasMembers
    }

    /// Continues the unfinished record at the end of `writer`, which has at least one member (a cached head).
    static func continuing(_ writer: consuming ByteWriter) -> RecordJSON {
        RecordJSON(writer: writer, hasMembers: true)
    }

    /// Appends the bytes of a fragment (or a cached part of a line) as they are.
    mutating func append(fragment: [UInt8]) {
        writer.append(fragment)
        hasMembers = true
    }

    mutating func add(_ key: StaticString, _ value: String) {
        separator(key)
        Self.appendQuoted(value, to: &writer)
    }

    /// A span context in its header form, `traceId:spanId:parentSpanId:flags` (hex digits and colons: nothing to escape).
    mutating func add(_ key: StaticString, spanContext: JaegerSpanContext) {
        separator(key)
        writer.append(UInt8(ascii: "\""))
        spanContext.appendHeaderValue(to: &writer)
        writer.append(UInt8(ascii: "\""))
    }

    mutating func add(_ key: StaticString, _ value: Int) {
        separator(key)
        writer.appendDecimal(Int64(value))
    }

    mutating func add(_ key: StaticString, _ value: Int64) {
        separator(key)
        writer.appendDecimal(value)
    }

    mutating func add(_ key: StaticString, _ value: Bool) {
        separator(key)
        writer.append(value ? "true" : "false")
    }

    /// A number with exactly two decimals, as the manual shows them (`22.00`, `20.49`).
    mutating func add(_ key: StaticString, twoDecimals value: Double) {
        separator(key)
        Self.appendTwoDecimals(value, to: &writer)
    }

    /// The bytes so far (no closing brace): a cached part of a line.
    var bytes: [UInt8] { writer.withBytes { Array($0) } }

    /// Finishes the line (closing brace and newline) and hands its writer back.
    consuming func finishLine() -> ByteWriter {
        writer.append("}\n")
        return writer
    }

    /// The finished line as text, without the newline.
    var text: String { String(decoding: bytes + [UInt8(ascii: "}")], as: UTF8.self) }

    private mutating func separator(_ key: StaticString) {
        key.withUTF8Buffer { key in
            writer.reserve(key.count + 4)
            if hasMembers { writer.appendUnchecked(UInt8(ascii: ",")) }
            writer.appendUnchecked(UInt8(ascii: "\""))
            writer.append(key)
            writer.appendUnchecked(UInt8(ascii: "\""))
            writer.appendUnchecked(UInt8(ascii: ":"))
        }
        hasMembers = true
    }

    static func twoDecimals(_ value: Double) -> String {
        var writer = ByteWriter(capacity: 24)
        appendTwoDecimals(value, to: &writer)
        return String(decoding: writer.finish(), as: UTF8.self)
    }

    /// Appends `value` with exactly two decimals (non-finite values as `0.00`).
    static func appendTwoDecimals(_ value: Double, to writer: inout ByteWriter) {
        let scaled = value.isFinite ? (abs(value) * 100).rounded() : 0
        // Beyond Int64 a record's figure is meaningless anyway; clamp rather than trap.
        let hundredths = scaled < 9.2e18 ? Int64(scaled) : Int64.max
        if value < 0 && hundredths > 0 { writer.append(UInt8(ascii: "-")) }
        writer.appendDecimal(hundredths / 100)
        let fraction = hundredths % 100
        writer.reserve(3)
        writer.appendUnchecked(UInt8(ascii: "."))
        writer.appendUnchecked(UInt8(ascii: "0") + UInt8(fraction / 10))
        writer.appendUnchecked(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    /// Appends `value` as a JSON string literal. A value with nothing to escape is appended in one copy.
    static func appendQuoted(_ value: String, to writer: inout ByteWriter) {
        writer.append(UInt8(ascii: "\""))
        if LineText.appendVerbatim(value, to: &writer, unlessAny: Self.needsQuoting, wordMayHoldAny: Self.mayNeedQuoting) {
            writer.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): writer.append(UInt8(ascii: "\\"), UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): writer.append(UInt8(ascii: "\\"), UInt8(ascii: "\\"))
            case UInt8(ascii: "\n"): writer.append(UInt8(ascii: "\\"), UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): writer.append(UInt8(ascii: "\\"), UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): writer.append(UInt8(ascii: "\\"), UInt8(ascii: "t"))
            case 0..<0x20, 0x7F:  // DEL too: JSON allows it raw, but the line must hold no control character
                writer.append("\\u00")
                writer.appendHex(UInt64(byte), minimumDigits: 2)
            default: writer.append(byte)
            }
        }
        writer.append(UInt8(ascii: "\""))
    }

    /// Whether any of the 8 bytes in `word` is one that ``needsQuoting``: a control character or DEL (as for a log
    /// line), a quote or a backslash.
    @inline(__always)
    static func mayNeedQuoting(_ word: UInt64) -> Bool {
        LineText.mayNeedEscaping(word) || WordScan.anyByte(of: word, equalTo: UInt8(ascii: "\""))
            || WordScan.anyByte(of: word, equalTo: UInt8(ascii: "\\"))
    }

    /// Bytes a JSON string cannot hold as they are (and control characters, which a log line must not hold).
    @inline(__always)
    static func needsQuoting(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }
}
