/// Builds single log lines from text that may come from outside (header values, messages), so that no value
/// can ever start a new line or hide itself from the reader.
enum LineText {
    /// Returns the UTF-8 bytes of `text` with CR, LF and other control characters escaped (`\n`, `\r`,
    /// `\u{1B}`…), followed by exactly one `\n`. Tabs are kept.
    static func line(_ text: String) -> [UInt8] {
        var writer = ByteWriter(capacity: text.utf8.count + 1)
        appendEscaped(text, to: &writer)
        writer.append(UInt8(ascii: "\n"))
        return writer.finish()
    }

    /// Appends `text` with control characters escaped. Text without any (request ids, names: nearly every value)
    /// is appended in one copy.
    static func appendEscaped(_ text: String, to writer: inout ByteWriter) {
        if appendVerbatim(text, to: &writer, unlessAny: needsEscaping, wordMayHoldAny: mayNeedEscaping) { return }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\n"): writer.append(UInt8(ascii: "\\"), UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): writer.append(UInt8(ascii: "\\"), UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): writer.append(byte)
            case 0..<0x20, 0x7F:
                writer.append("\\u{")
                writer.append(utf8: String(byte, radix: 16, uppercase: true))
                writer.append(UInt8(ascii: "}"))
            default: writer.append(byte)
            }
        }
    }

    /// Control characters other than tab, which a log line must not hold as they are.
    @inline(__always)
    static func needsEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 && byte != UInt8(ascii: "\t") || byte == 0x7F
    }

    /// Whether any of the 8 bytes in `word` may need escaping (tabs count here; the byte test decides).
    @inline(__always)
    static func mayNeedEscaping(_ word: UInt64) -> Bool {
        WordScan.anyByte(of: word, below: 0x20) || WordScan.anyByte(of: word, equalTo: 0x7F)
    }

    /// Appends `text`'s UTF-8 in one copy when none of its bytes `needsEscaping`, and tells whether it did; an
    /// escaper falls back to its byte-by-byte path when not (nothing was appended then). The bytes are checked a
    /// word at a time with `wordMayHoldAny`, which must be true for every word that holds such a byte.
    @inline(__always)
    static func appendVerbatim(
        _ text: String, to writer: inout ByteWriter, unlessAny needsEscaping: (UInt8) -> Bool, wordMayHoldAny: (UInt64) -> Bool
    ) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard WordScan.noneIsSpecial(utf8, wordMayHoldSpecial: wordMayHoldAny, special: needsEscaping) else { return false }
            writer.append(utf8)
            return true
        } ?? false
    }

    /// `text` with control characters escaped, for values that are placed inside a longer line.
    static func escaped(_ text: String) -> String {
        var writer = ByteWriter(capacity: text.utf8.count)
        appendEscaped(text, to: &writer)
        return String(decoding: writer.finish(), as: UTF8.self)
    }

    /// A value shown in a warning: escaped and cut to `limit` Unicode scalars so a huge header cannot flood the log.
    static func excerpt(_ text: String, limit: Int = 64) -> String {
        // Unicode scalars, not Characters: one Character can hold any number of combining marks.
        let scalars = text.unicodeScalars
        let cut = scalars.count > limit ? String(String.UnicodeScalarView(scalars.prefix(limit))) + "…" : text
        return escaped(cut)
    }
}
