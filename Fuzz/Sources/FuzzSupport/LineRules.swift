/// The rules every write to the runtime's log output keeps, whatever the input: a write is one or more complete
/// lines, and no line holds a carriage return or another control character that could fake or hide a line.
public enum LineRules {
    /// Checks one write and returns its lines without their `\n`.
    @discardableResult
    public static func requireCompleteLines(_ write: [UInt8], what: String) -> [[UInt8]] {
        require(write.last == UInt8(ascii: "\n"), "\(what): a write does not end with a newline: \(text(write))")
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in write {
            if byte == UInt8(ascii: "\n") {
                lines.append(current)
                current = []
            } else {
                require(isAllowedInLine(byte), "\(what): control byte 0x\(String(byte, radix: 16)) in a line: \(text(write))")
                current.append(byte)
            }
        }
        return lines
    }

    /// Checks that `write` is exactly one line.
    @discardableResult
    public static func requireSingleLine(_ write: [UInt8], what: String) -> [UInt8] {
        let lines = requireCompleteLines(write, what: what)
        require(lines.count == 1, "\(what): expected one line, got \(lines.count): \(text(write))")
        return lines[0]
    }

    /// Checks that text meant to become (part of) a line has no control character but tab.
    public static func requireLineSafe(_ value: String, what: String) {
        for byte in value.utf8 {
            require(isAllowedInLine(byte), "\(what): control byte 0x\(String(byte, radix: 16)) in \(visible(value))")
        }
    }

    private static func isAllowedInLine(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\t") || (byte >= 0x20 && byte != 0x7F)
    }

    private static func text(_ bytes: [UInt8]) -> String { visible(String(decoding: bytes, as: UTF8.self)) }
}
