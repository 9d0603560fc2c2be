/// Builds the monitoring records' lines — `<topic> {compact JSON}\n` — as bytes, with keys in a fixed order (the
/// order of the monitoring manual), in one pass and without Foundation: a record is written on every invocation.
///
/// JSON escaping leaves no raw control character in the object, so the finished line can be written as it is.
struct RecordJSON {
    private(set) var bytes: [UInt8]
    /// Whether a member was written (the next one needs a comma).
    private var hasMembers: Bool

    /// Starts the line with its topic (escaped like any log text) and the opening brace.
    init(topic: String) {
        bytes = []
        bytes.reserveCapacity(512)
        LineText.appendEscaped(topic, to: &bytes)
        bytes.append(contentsOf: " {".utf8)
        hasMembers = false
    }

    /// Starts a fragment of members that follows other members (each one, the first included, after a comma),
    /// to be spliced into a line with ``append(fragment:)``.
    static func fragment() -> RecordJSON { RecordJSON(bytes: [], hasMembers: true) }

    private init(bytes: [UInt8], hasMembers: Bool) {
        self.bytes = bytes
        self.hasMembers = hasMembers
    }

    /// Continues `line`, an unfinished record with at least one member (a cached head), in place.
    static func continuing(_ line: [UInt8]) -> RecordJSON { RecordJSON(bytes: line, hasMembers: true) }

    /// Appends the bytes of a fragment (or a cached part of a line) as they are.
    mutating func append(fragment: [UInt8]) {
        bytes.append(contentsOf: fragment)
        hasMembers = true
    }

    mutating func add(_ key: StaticString, _ value: String) {
        separator(key)
        Self.appendQuoted(value, to: &bytes)
    }

    mutating func add(_ key: StaticString, _ value: Int) {
        separator(key)
        Self.appendDigits(Int64(value), to: &bytes)
    }

    mutating func add(_ key: StaticString, _ value: Int64) {
        separator(key)
        Self.appendDigits(value, to: &bytes)
    }

    mutating func add(_ key: StaticString, _ value: Bool) {
        separator(key)
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    /// A number with exactly two decimals, as the manual shows them (`22.00`, `20.49`).
    mutating func add(_ key: StaticString, twoDecimals value: Double) {
        separator(key)
        Self.appendTwoDecimals(value, to: &bytes)
    }

    /// The finished line, newline included.
    var line: [UInt8] {
        var copy = self
        return copy.takeFinishedLine()
    }

    /// Finishes the line (closing brace and newline) and hands its bytes over without a copy; the builder is left
    /// empty.
    mutating func takeFinishedLine() -> [UInt8] {
        bytes.append(contentsOf: "}\n".utf8)
        defer { bytes = [] }
        return bytes
    }

    /// The finished line as text, without the newline.
    var text: String { String(decoding: bytes + [UInt8(ascii: "}")], as: UTF8.self) }

    private mutating func separator(_ key: StaticString) {
        if hasMembers { bytes.append(UInt8(ascii: ",")) }
        hasMembers = true
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    static func twoDecimals(_ value: Double) -> String {
        var bytes: [UInt8] = []
        appendTwoDecimals(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `value` with exactly two decimals (non-finite values as `0.00`), digit by digit.
    static func appendTwoDecimals(_ value: Double, to bytes: inout [UInt8]) {
        let scaled = value.isFinite ? (abs(value) * 100).rounded() : 0
        // Beyond Int64 a record's figure is meaningless anyway; clamp rather than trap.
        let hundredths = scaled < 9.2e18 ? Int64(scaled) : Int64.max
        if value < 0 && hundredths > 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(hundredths / 100, to: &bytes)
        let fraction = hundredths % 100
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    /// Appends the decimal digits of `value` (with a `-` when negative) without building a `String`.
    static func appendDigits(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
            divisor /= 10
        } while divisor > 0
    }

    /// Appends `value` as a JSON string literal. A value with nothing to escape is appended in one copy.
    static func appendQuoted(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        if LineText.appendVerbatim(
            value, to: &bytes, unless: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
        {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:  // DEL too: JSON allows it raw, but the line must hold no control character
                let hex = String(byte, radix: 16)
                bytes.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
