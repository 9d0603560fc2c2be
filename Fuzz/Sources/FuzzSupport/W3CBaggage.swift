/// Reads a W3C `baggage` header of the form this runtime writes (`key=value` members joined by `,`, both sides
/// percent-encoded), written from the specification and RFC 3986 to check the runtime's encoder.
public enum W3CBaggage {
    /// The members, or `nil` when the header is not well-formed: an unescaped byte outside RFC 3986's unreserved
    /// set, a malformed escape, a member without `=`, or a key given twice.
    public static func decode(_ header: String) -> [String: String]? {
        var members: [String: String] = [:]
        for member in Array(header.utf8).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let parts = member.split(separator: UInt8(ascii: "="), omittingEmptySubsequences: false)
            guard parts.count == 2, let key = percentDecoded(parts[0]), let value = percentDecoded(parts[1]) else { return nil }
            guard members[key] == nil else { return nil }
            members[key] = value
        }
        return members
    }

    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> String? {
        var output: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { return nil }
                output.append(high << 4 | low)
                index += 3
            } else {
                guard isUnreserved(byte) else { return nil }
                output.append(byte)
                index += 1
            }
        }
        return String(validating: output, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
