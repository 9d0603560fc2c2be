/// Builds single log lines from text that may come from outside (header values, messages), so that no value
/// can ever start a new line or hide itself from the reader.
enum LineText {
    /// Returns the UTF-8 bytes of `text` with CR, LF and other control characters escaped (`\n`, `\r`,
    /// `\u{1B}`…), followed by exactly one `\n`. Tabs are kept.
    static func line(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 1)
        appendEscaped(text, to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Appends `text` with control characters escaped. Text without any (request ids, names: nearly every value)
    /// is appended in one copy.
    static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        if appendVerbatim(text, to: &bytes, unless: { $0 < 0x20 && $0 != UInt8(ascii: "\t") || $0 == 0x7F }) { return }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(byte)
            case 0..<0x20, 0x7F: bytes.append(contentsOf: Array("\\u{\(String(byte, radix: 16, uppercase: true))}".utf8))
            default: bytes.append(byte)
            }
        }
    }

    /// Appends `text`'s UTF-8 in one copy when none of its bytes `needsEscaping`, and tells whether it did; an
    /// escaper falls back to its byte-by-byte path when not (nothing was appended then).
    static func appendVerbatim(_ text: String, to bytes: inout [UInt8], unless needsEscaping: (UInt8) -> Bool) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            if utf8.contains(where: needsEscaping) { return false }
            bytes.append(contentsOf: utf8)
            return true
        } ?? false
    }

    /// `text` with control characters escaped, for values that are placed inside a longer line.
    static func escaped(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendEscaped(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A value shown in a warning: escaped and cut to `limit` Unicode scalars so a huge header cannot flood the log.
    static func excerpt(_ text: String, limit: Int = 64) -> String {
        // Unicode scalars, not Characters: one Character can hold any number of combining marks.
        let scalars = text.unicodeScalars
        let cut = scalars.count > limit ? String(String.UnicodeScalarView(scalars.prefix(limit))) + "…" : text
        return escaped(cut)
    }
}
