/// Trace ids as the query API takes them: Jaeger accepts 1 to 32 hex digits (leading zeros may be left out); the
/// store keeps 32 lower-case ones.
enum TraceID {
    /// `text` as the store keeps it, or nil when it is not 1–32 hex digits.
    static func normalized(_ text: some StringProtocol) -> String? {
        guard (1...32).contains(text.utf8.count), isHex(text, count: text.utf8.count) else { return nil }
        return String(repeating: "0", count: 32 - text.utf8.count) + text.lowercased()
    }

    /// Whether `text` is exactly `count` hex digits.
    static func isHex(_ text: some StringProtocol, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}
