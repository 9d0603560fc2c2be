/// A Jaeger (OpenTracing) span context as FC sends it in `x-fc-tracing-opentracing-span-context`:
/// `traceId:spanId:parentSpanId:flags`, every part hexadecimal (CONTRACT §2).
public struct JaegerSpanContext: Sendable, Hashable, CustomStringConvertible {
    /// The high 64 bits of a 128-bit trace id; 0 for a 64-bit trace id.
    public let traceIDHigh: UInt64
    /// The low 64 bits of the trace id.
    public let traceIDLow: UInt64
    /// The span id (never 0).
    public let spanID: UInt64
    /// The parent span id; 0 means none.
    public let parentSpanID: UInt64
    /// Jaeger flags: bit 0 sampled, bit 1 debug, bit 3 firehose.
    public let flags: UInt8

    /// Creates a span context from its parts; fails for a zero trace id or span id.
    public init?(traceIDHigh: UInt64 = 0, traceIDLow: UInt64, spanID: UInt64, parentSpanID: UInt64 = 0, flags: UInt8) {
        guard traceIDHigh != 0 || traceIDLow != 0, spanID != 0 else { return nil }
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.flags = flags
    }

    /// A span context of a trace this runtime started: its ids come from ``SpanIDGenerator``, which never yields 0.
    init(generated traceID: TraceIdentifier, spanID: UInt64, parentSpanID: UInt64, flags: UInt8) {
        assert((traceID.high != 0 || traceID.low != 0) && spanID != 0, "generated ids are never 0")
        self.traceIDHigh = traceID.high
        self.traceIDLow = traceID.low
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.flags = flags
    }

    /// Parses the header form, throwing a ``SpanContextParsingError`` that says what is wrong.
    public init(parsing text: String) throws(SpanContextParsingError) {
        var text = text
        // A well-formed value (every one FC sends) is read in one pass; anything else goes through the checks below,
        // which name the rule broken.
        if let parsed = text.withUTF8(Self.wellFormed) {
            self = parsed
            return
        }
        let result = text.withUTF8 { bytes in Result { () throws(SpanContextParsingError) -> (UInt64, UInt64, UInt64, UInt64, UInt64) in
            // The first three colons' positions and the number of colons, without an array of parts.
            var colons = 0
            var (first, second, third) = (0, 0, 0)
            for index in 0..<bytes.count where bytes[index] == UInt8(ascii: ":") {
                switch colons {
                case 0: first = index
                case 1: second = index
                case 2: third = index
                default: break
                }
                colons += 1
            }
            guard colons == 3 else { throw .wrongPartCount(colons + 1) }
            let trace = 0..<first
            guard trace.count <= 32 else { throw .tooLong(field: "trace id", maxDigits: 32) }
            let lowStart = max(trace.lowerBound, trace.upperBound - 16)
            let low = try Self.parseHex(bytes, lowStart..<trace.upperBound, field: "trace id", maxDigits: 16)
            let high = lowStart == trace.lowerBound ? 0 : try Self.parseHex(bytes, trace.lowerBound..<lowStart, field: "trace id", maxDigits: 16)
            let spanID = try Self.parseHex(bytes, (first + 1)..<second, field: "span id", maxDigits: 16)
            let parentID = try Self.parseHex(bytes, (second + 1)..<third, field: "parent span id", maxDigits: 16)
            let flags = try Self.parseHex(bytes, (third + 1)..<bytes.count, field: "flags", maxDigits: 2)
            return (high, low, spanID, parentID, flags)
        } }
        let parsed = try result.get()
        guard parsed.0 != 0 || parsed.1 != 0 else { throw .zeroID("trace id") }
        guard parsed.2 != 0 else { throw .zeroID("span id") }
        self.traceIDHigh = parsed.0
        self.traceIDLow = parsed.1
        self.spanID = parsed.2
        self.parentSpanID = parsed.3
        self.flags = UInt8(parsed.4)
    }

    /// The trace id as its two halves.
    var traceID: TraceIdentifier { TraceIdentifier(high: traceIDHigh, low: traceIDLow) }

    /// Whether the trace is sampled (flag bit 0).
    public var isSampled: Bool { flags & 0x1 != 0 }
    /// Whether the debug flag (bit 1) is set.
    public var isDebug: Bool { flags & 0x2 != 0 }
    /// Whether the firehose flag (bit 3) is set.
    public var isFirehose: Bool { flags & 0x8 != 0 }
    /// Whether the trace id uses 128 bits.
    public var is128BitTraceID: Bool { traceIDHigh != 0 }

    /// The trace id in hex: 16 digits, or 32 for a 128-bit id.
    public var traceIDHex: String {
        Self.traceIDHex(high: traceIDHigh, low: traceIDLow)
    }

    /// The span id as 16 hex digits.
    public var spanIDHex: String { Self.hex16(spanID) }

    /// The header form, `traceId:spanId:parentSpanId:flags`.
    public var headerValue: String {
        Self.headerValue(traceIDHigh: traceIDHigh, traceIDLow: traceIDLow, spanID: spanID, parentSpanID: parentSpanID, flags: flags)
    }

    /// `traceId:spanId:parentSpanId:flags` for any ids (also for spans this runtime creates): a 16- or 32-digit trace
    /// id, a 16-digit span id, the parent and flags without padding.
    static func headerValue(traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, parentSpanID: UInt64, flags: UInt8) -> String {
        // Written into one buffer: joining seven strings cost ~2,000 instructions on every traced invocation's record.
        String(unsafeUninitializedCapacity: maxHeaderValueLength) { buffer in
            writeHeaderValue(traceIDHigh: traceIDHigh, traceIDLow: traceIDLow, spanID: spanID, parentSpanID: parentSpanID, flags: flags, into: buffer)
        }
    }

    /// Appends ``headerValue`` to `writer` without building the string.
    func appendHeaderValue(to writer: inout ByteWriter) {
        writer.append(atMost: Self.maxHeaderValueLength) { buffer in
            Self.writeHeaderValue(
                traceIDHigh: traceIDHigh, traceIDLow: traceIDLow, spanID: spanID, parentSpanID: parentSpanID, flags: flags, into: buffer)
        }
    }

    /// The longest header form: a 32-digit trace id, 16-digit span and parent ids, 2-digit flags and three colons.
    private static let maxHeaderValueLength = 32 + 1 + 16 + 1 + 16 + 1 + 2

    /// Stores the header form at the start of `buffer` (``maxHeaderValueLength`` bytes); returns its length.
    private static func writeHeaderValue(
        traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, parentSpanID: UInt64, flags: UInt8, into buffer: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        var count = 0
        if traceIDHigh != 0 { count = HexDigits.write(traceIDHigh, minimumDigits: 16, into: buffer, at: count) }
        count = HexDigits.write(traceIDLow, minimumDigits: 16, into: buffer, at: count)
        buffer[count] = UInt8(ascii: ":")
        count = HexDigits.write(spanID, minimumDigits: 16, into: buffer, at: count + 1)
        buffer[count] = UInt8(ascii: ":")
        count = HexDigits.write(parentSpanID, minimumDigits: 1, into: buffer, at: count + 1)
        buffer[count] = UInt8(ascii: ":")
        return HexDigits.write(UInt64(flags), minimumDigits: 1, into: buffer, at: count + 1)
    }

    /// Same as ``headerValue``.
    public var description: String { headerValue }

    /// The context in `bytes` when it is well formed, read in one pass: four colon-separated hex parts of 1–32,
    /// 1–16, 1–16 and 1–2 digits, with non-zero trace and span ids. `nil` for anything else.
    private static func wellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> JaegerSpanContext? {
        var index = 0
        /// The hex part starting at `index`, up to the next colon (skipped) or the end: its value's low and high
        /// 64 bits; `nil` when it is empty, longer than `maxDigits` or not hex.
        func part(maxDigits: Int, last: Bool) -> (low: UInt64, high: UInt64)? {
            let start = index
            var (low, high) = (UInt64(0), UInt64(0))
            while index < bytes.count, bytes[index] != UInt8(ascii: ":") {
                guard let digit = hexDigitValue(bytes[index]) else { return nil }
                high = high << 4 | low >> 60
                low = low << 4 | UInt64(digit)
                index &+= 1
            }
            let digits = index &- start
            guard digits > 0, digits <= maxDigits, last == (index == bytes.count) else { return nil }
            index &+= 1
            return (low, high)
        }
        guard let trace = part(maxDigits: 32, last: false), let span = part(maxDigits: 16, last: false),
            let parent = part(maxDigits: 16, last: false), let flags = part(maxDigits: 2, last: true)
        else { return nil }
        return JaegerSpanContext(
            traceIDHigh: trace.high, traceIDLow: trace.low, spanID: span.low, parentSpanID: parent.low, flags: UInt8(truncatingIfNeeded: flags.low))
    }

    private static func parseHex(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, field: String, maxDigits: Int
    ) throws(SpanContextParsingError) -> UInt64 {
        guard !range.isEmpty else { throw .empty(field: field) }
        guard range.count <= maxDigits else { throw .tooLong(field: field, maxDigits: maxDigits) }
        var value: UInt64 = 0
        for index in range {
            guard let digit = hexDigitValue(bytes[index]) else { throw .notHex(field: field) }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    private static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hex16(_ value: UInt64) -> String { HexDigits.sixteen(value) }

    /// 16 hex digits for a 64-bit trace id, 32 for a 128-bit one.
    private static func traceIDHex(high: UInt64, low: UInt64) -> String { high == 0 ? hex16(low) : hex16(high) + hex16(low) }
}

/// Why a span-context header could not be parsed; the message names the part at fault, never the whole value.
public enum SpanContextParsingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The value did not have exactly four `:`-separated parts.
    case wrongPartCount(Int)
    /// A part was empty.
    case empty(field: String)
    /// A part had more hex digits than allowed.
    case tooLong(field: String, maxDigits: Int)
    /// A part had a character that is not a hex digit.
    case notHex(field: String)
    /// The trace id or span id was zero.
    case zeroID(String)
    /// A `traceparent` that is not version 00's `00-<32 hex>-<16 hex>-<2 hex>`.
    case notTraceParent

    /// A message naming the rule that was broken.
    public var description: String {
        switch self {
        case .wrongPartCount(let count): "expected 4 ':'-separated parts (traceId:spanId:parentSpanId:flags), found \(count)"
        case .empty(let field): "the \(field) is empty"
        case .tooLong(let field, let maxDigits): "the \(field) has more than \(maxDigits) hex digits"
        case .notHex(let field): "the \(field) is not hexadecimal"
        case .zeroID(let field): "the \(field) is zero"
        case .notTraceParent: "expected a version-00 traceparent, 00-<32 hex digits>-<16 hex digits>-<2 hex digits>, with non-zero ids"
        }
    }
}
