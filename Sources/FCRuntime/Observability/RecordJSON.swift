/// Builds the compact JSON objects of the monitoring records with keys in a fixed order (the order of the
/// monitoring manual), without Foundation: records are written on every invocation.
struct RecordJSON {
    private(set) var text = "{"

    mutating func add(_ key: String, _ value: String) {
        separator(key)
        Self.appendQuoted(value, to: &text)
    }

    mutating func add(_ key: String, _ value: Int) {
        separator(key)
        text += String(value)
    }

    mutating func add(_ key: String, _ value: Int64) {
        separator(key)
        text += String(value)
    }

    mutating func add(_ key: String, _ value: Bool) {
        separator(key)
        text += value ? "true" : "false"
    }

    /// A number with exactly two decimals, as the manual shows them (`22.00`, `20.49`).
    mutating func add(_ key: String, twoDecimals value: Double) {
        separator(key)
        text += Self.twoDecimals(value)
    }

    /// The finished object.
    var json: String { text + "}" }

    private mutating func separator(_ key: String) {
        if text.utf8.count > 1 { text += "," }
        Self.appendQuoted(key, to: &text)
        text += ":"
    }

    static func twoDecimals(_ value: Double) -> String {
        guard value.isFinite else { return "0.00" }
        let hundredths = Int64((abs(value) * 100).rounded())
        let fraction = hundredths % 100
        return (value < 0 && hundredths > 0 ? "-" : "") + String(hundredths / 100) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }

    /// Appends `value` as a JSON string literal.
    static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        var plain = true
        for byte in value.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            text += value
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case let control where control.value < 0x20:
                    let hex = String(control.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
