/// The two span-context formats read straight from their definitions, as a second opinion on the runtime's parsers.
struct ReferenceSpanContext: Equatable, CustomStringConvertible {
    var traceIDHigh: UInt64
    var traceIDLow: UInt64
    var spanID: UInt64
    var parentSpanID: UInt64
    var flags: UInt8

    init(traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, parentSpanID: UInt64, flags: UInt8) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.flags = flags
    }

    var description: String { "\(traceIDHigh)/\(traceIDLow) span \(spanID) parent \(parentSpanID) flags \(flags)" }

    /// FC's header: four `:`-separated parts of hex digits, at most 32, 16, 16 and 2 of them, none empty; the trace
    /// id and the span id not zero. A trace id of more than 16 digits carries the high 64 bits in its front digits.
    static func jaeger(_ text: String) -> ReferenceSpanContext? {
        let parts = Array(text.utf8).split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let limits = [32, 16, 16, 2]
        for (part, limit) in zip(parts, limits) {
            guard !part.isEmpty, part.count <= limit, part.allSatisfy(isHex) else { return nil }
        }
        let trace = Array(parts[0])
        let split = max(0, trace.count - 16)
        let high = number(trace[..<split]), low = number(trace[split...])
        let span = number(parts[1])
        guard high != 0 || low != 0, span != 0 else { return nil }
        return ReferenceSpanContext(traceIDHigh: high, traceIDLow: low, spanID: span, parentSpanID: number(parts[2]), flags: UInt8(number(parts[3])))
    }

    /// W3C Trace Context version 00, after trimming spaces and tabs: `00-<32 hex>-<16 hex>-<2 hex>`, lower-case
    /// digits, ids not zero. The sampled flag becomes Jaeger's bit 0; there is no grandparent.
    static func traceParent(_ text: String) -> ReferenceSpanContext? {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        let bytes = Array(String(String.UnicodeScalarView(scalars)).utf8)
        guard bytes.count == 55, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "0") else { return nil }
        guard [2, 35, 52].allSatisfy({ bytes[$0] == UInt8(ascii: "-") }) else { return nil }
        let hexRanges = [3..<35, 36..<52, 53..<55]
        guard hexRanges.allSatisfy({ bytes[$0].allSatisfy(isLowerHex) }) else { return nil }
        let high = number(bytes[3..<19]), low = number(bytes[19..<35]), span = number(bytes[36..<52])
        guard high != 0 || low != 0, span != 0 else { return nil }
        return ReferenceSpanContext(traceIDHigh: high, traceIDLow: low, spanID: span, parentSpanID: 0, flags: UInt8(number(bytes[53..<55]) & 1))
    }

    static func isHex(_ byte: UInt8) -> Bool { isLowerHex(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte) }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func number(_ digits: some Collection<UInt8>) -> UInt64 {
        digits.reduce(0) { value, digit in
            let nibble: UInt8 =
                switch digit {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
                default: digit - UInt8(ascii: "A") + 10
                }
            return value << 4 | UInt64(nibble)
        }
    }
}
