/// Builds the monitoring records' lines — `<topic> {compact JSON}\n` — as bytes, with keys in a fixed order (the
/// order of the monitoring manual), in one pass and without Foundation: a record is written on every invocation.
///
/// JSON escaping leaves no raw control character in the object, so the finished line can be written as it is.
struct RecordJSON {
    private(set) var bytes: [UInt8]

    /// Starts the line with its topic (escaped like any log text) and the opening brace.
    init(topic: String) {
        bytes = []
        bytes.reserveCapacity(512)
        LineText.appendEscaped(topic, to: &bytes)
        bytes.append(contentsOf: " {".utf8)
    }

    mutating func add(_ key: StaticString, _ value: String) {
        separator(key)
        Self.appendQuoted(value, to: &bytes)
    }

    mutating func add(_ key: StaticString, _ value: Int) {
        separator(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func add(_ key: StaticString, _ value: Int64) {
        separator(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func add(_ key: StaticString, _ value: Bool) {
        separator(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// A number with exactly two decimals, as the manual shows them (`22.00`, `20.49`).
    mutating func add(_ key: StaticString, twoDecimals value: Double) {
        separator(key)
        bytes.append(contentsOf: Self.twoDecimals(value).utf8)
    }

    /// The finished line, newline included.
    var line: [UInt8] { bytes + [UInt8(ascii: "}"), UInt8(ascii: "\n")] }

    /// The finished line as text, without the newline.
    var text: String { String(decoding: bytes + [UInt8(ascii: "}")], as: UTF8.self) }

    private mutating func separator(_ key: StaticString) {
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
    }

    static func twoDecimals(_ value: Double) -> String {
        guard value.isFinite else { return "0.00" }
        let hundredths = Int64((abs(value) * 100).rounded())
        let fraction = hundredths % 100
        return (value < 0 && hundredths > 0 ? "-" : "") + String(hundredths / 100) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }

    /// Appends `value` as a JSON string literal.
    static func appendQuoted(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                bytes.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
