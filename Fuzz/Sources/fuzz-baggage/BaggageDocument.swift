import FuzzSupport

/// A JSON object written by this harness (its own escaping, numbers and base64), and the baggage FC's runtimes read
/// from it: strings as they are, booleans as `true`/`false`, numbers as an integer when whole and below 10^15, else
/// as Swift prints the double; a `null`, array or object member makes the whole header invalid.
struct BaggageDocument {
    enum Member {
        case string(String, escapeNonASCII: Bool)
        case integer(Int64)
        case number(Double)
        case bool(Bool)
        case invalid(String)
    }

    var members: [(key: String, value: Member)] = []

    init(_ input: inout FuzzInput) {
        for _ in 0..<input.int(below: 6) {
            let key = input.string(maxCount: 24)
            // Keys that Swift compares equal would collide in the decoded dictionary: keep the first.
            guard !members.contains(where: { $0.key == key }) else { continue }
            let value: Member =
                switch input.int(below: 10) {
                case 0: .integer(input.int64())
                case 1: .number(input.double())
                case 2: .bool(input.bool())
                case 3: .invalid(input.pick(["null", "[]", "{}", "[\"a\"]", "{\"a\":\"b\"}"]))
                default: .string(input.string(maxCount: 48), escapeNonASCII: input.bool())
                }
            if case .number(let number) = value, !number.isFinite { continue }
            members.append((key, value))
        }
    }

    /// `nil` when a member makes the header invalid.
    var expectedBaggage: [String: String]? {
        var baggage: [String: String] = [:]
        for (key, value) in members {
            switch value {
            case .string(let text, _): baggage[key] = text
            case .bool(let flag): baggage[key] = flag ? "true" : "false"
            case .integer(let number): baggage[key] = Self.numberText(Double("\(number)")!)
            case .number(let number): baggage[key] = Self.numberText(number)
            case .invalid: return nil
            }
        }
        return baggage
    }

    private static func numberText(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? "\(Int64(number))" : "\(number)"
    }

    /// The JSON text, base64-encoded, with or without padding, perhaps between spaces and tabs.
    func headerValue(_ input: inout FuzzInput) -> String {
        var json = "{"
        for (index, (key, value)) in members.enumerated() {
            if index > 0 { json += input.bool() ? ", " : "," }
            json += Self.quoted(key, escapeNonASCII: false) + ":"
            switch value {
            case .string(let text, let escapeNonASCII): json += Self.quoted(text, escapeNonASCII: escapeNonASCII)
            case .integer(let number): json += "\(number)"
            case .number(let number): json += number.description
            case .bool(let flag): json += flag ? "true" : "false"
            case .invalid(let text): json += text
            }
        }
        json += "}"
        var encoded = Base64.encode(Array(json.utf8))
        if input.bool() { encoded = String(encoded.prefix { $0 != "=" }) }
        let padding = ["", " ", "\t", "  "]
        return input.pick(padding) + encoded + input.pick(padding)
    }

    /// A JSON string literal; non-ASCII as `\u` escapes (surrogate pairs beyond the BMP) when asked.
    private static func quoted(_ text: String, escapeNonASCII: Bool) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{0}"..."\u{1F}": result += hex4(UInt16(scalar.value))
            case _ where escapeNonASCII && scalar.value > 0x7F:
                for unit in String(scalar).utf16 { result += hex4(unit) }
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private static func hex4(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}
