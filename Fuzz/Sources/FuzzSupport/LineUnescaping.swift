/// The log lines' escaping, written from its documentation (`\n`, `\r`, other control characters as `\u{XX}`,
/// tabs kept), to read request ids back out of lines and to predict escaped topics.
public enum LineUnescaping {
    /// Escapes `text` as a log line does.
    public static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{7F}": result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Undoes ``escape(_:)`` for text without literal backslashes (the escaping does not double them).
    public static func unescape(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                switch bytes[index + 1] {
                case UInt8(ascii: "n"):
                    result.append(0x0A)
                    index += 2
                    continue
                case UInt8(ascii: "r"):
                    result.append(0x0D)
                    index += 2
                    continue
                case UInt8(ascii: "u"):
                    if let close = bytes[index...].firstIndex(of: UInt8(ascii: "}")),
                       let value = UInt8(String(decoding: bytes[(index + 3)..<close], as: UTF8.self), radix: 16)
                    {
                        result.append(value)
                        index = close + 1
                        continue
                    }
                default: break
                }
            }
            result.append(bytes[index])
            index += 1
        }
        return result
    }
}
