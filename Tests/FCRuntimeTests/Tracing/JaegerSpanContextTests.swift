import Testing

@testable import FCRuntime

@Suite struct JaegerSpanContextTests {
    @Test func parsesA64BitContext() throws {
        let context = try JaegerSpanContext(parsing: "1f:2a:3:1")
        #expect(context.traceIDHigh == 0)
        #expect(context.traceIDLow == 0x1f)
        #expect(context.spanID == 0x2a)
        #expect(context.parentSpanID == 3)
        #expect(context.flags == 1)
        #expect(context.isSampled)
        #expect(!context.isDebug)
        #expect(context.traceIDHex == "000000000000001f")
        #expect(context.spanIDHex == "000000000000002a")
    }

    @Test func splitsA128BitTraceIDIntoHighAndLow() throws {
        let context = try JaegerSpanContext(parsing: "0123456789abcdefFEDCBA9876543210:1:0:0")
        #expect(context.traceIDHigh == 0x0123_4567_89ab_cdef)
        #expect(context.traceIDLow == 0xfedc_ba98_7654_3210)
        #expect(context.is128BitTraceID)
        #expect(context.traceIDHex == "0123456789abcdeffedcba9876543210")
        #expect(!context.isSampled)
    }

    @Test func leftPadsATraceIDBetween16And32Digits() throws {
        let context = try JaegerSpanContext(parsing: "a0000000000000001:5:0:3")
        #expect(context.traceIDHigh == 0xa)
        #expect(context.traceIDLow == 1)
        #expect(context.isSampled && context.isDebug)
    }

    @Test func readsDebugAndFirehoseFlags() throws {
        let context = try JaegerSpanContext(parsing: "1:1:0:a")
        #expect(!context.isSampled)
        #expect(context.isDebug)
        #expect(context.isFirehose)
    }

    @Test func acceptsUpperCaseAndEveryPartAtItsLongest() throws {
        let context = try JaegerSpanContext(parsing: "ABCDEF0123456789ABCDEF0123456789:FEDCBA9876543210:FFFFFFFFFFFFFFFF:FF")
        #expect(context.traceIDHigh == 0xABCD_EF01_2345_6789 && context.traceIDLow == 0xABCD_EF01_2345_6789)
        #expect(context.spanID == 0xFEDC_BA98_7654_3210 && context.parentSpanID == .max && context.flags == 0xFF)
    }

    @Test func parentZeroMeansNone() throws {
        #expect(try JaegerSpanContext(parsing: "1:2:0:1").parentSpanID == 0)
    }

    @Test(arguments: [
        ("", SpanContextParsingError.wrongPartCount(1)),
        ("1:2:3", .wrongPartCount(3)),
        ("1:2:3:4:5", .wrongPartCount(5)),
        (":2:0:1", .empty(field: "trace id")),
        ("1::0:1", .empty(field: "span id")),
        ("1:2:0:", .empty(field: "flags")),
        ("xyz:2:0:1", .notHex(field: "trace id")),
        ("1:2g:0:1", .notHex(field: "span id")),
        ("1:2:0:100", .tooLong(field: "flags", maxDigits: 2)),
        ("1:11111111111111111:0:1", .tooLong(field: "span id", maxDigits: 16)),
        (String(repeating: "1", count: 33) + ":1:0:1", .tooLong(field: "trace id", maxDigits: 32)),
        ("0:1:0:1", .zeroID("trace id")),
        ("00000000000000000000000000000000:1:0:1", .zeroID("trace id")),
        ("1:0:0:1", .zeroID("span id")),
        ("1:-2:0:1", .notHex(field: "span id")),
        (" 1:2:0:1", .notHex(field: "trace id")),
        ("1:2:0:1:", .wrongPartCount(5)),
        (":", .wrongPartCount(2)),
        ("1:2:0:1\n", .notHex(field: "flags")),
        ("1:2:00000000000000001:1", .tooLong(field: "parent span id", maxDigits: 16)),
    ])
    func rejectsInvalidInput(text: String, expected: SpanContextParsingError) {
        #expect(throws: expected) { try JaegerSpanContext(parsing: text) }
    }

    @Test func roundTripsThroughTheHeaderForm() throws {
        let text = "0123456789abcdef0123456789abcdef:00000000000000ff:1a:1"
        let context = try JaegerSpanContext(parsing: text)
        #expect(try JaegerSpanContext(parsing: context.headerValue) == context)
        #expect(context.headerValue == "0123456789abcdef0123456789abcdef:00000000000000ff:1a:1")
    }

    /// The header form pads the ids to 16 digits (32 for a 128-bit trace) and writes parent and flags unpadded.
    @Test(arguments: [
        (UInt64(0), UInt64(1), UInt64(2), UInt64(0), UInt8(1), "0000000000000001:0000000000000002:0:1"),
        (0, .max, .max, .max, 0xff, "ffffffffffffffff:ffffffffffffffff:ffffffffffffffff:ff"),
        (0x10, 0, 0x1000_0000_0000_0000, 0x10, 0x8, "00000000000000100000000000000000:1000000000000000:10:8"),
    ])
    func writesTheHeaderForm(high: UInt64, low: UInt64, span: UInt64, parent: UInt64, flags: UInt8, expected: String) throws {
        let text = JaegerSpanContext.headerValue(traceIDHigh: high, traceIDLow: low, spanID: span, parentSpanID: parent, flags: flags)
        #expect(text == expected)
        let parsed = try JaegerSpanContext(parsing: text)
        #expect(parsed.traceIDHigh == high && parsed.traceIDLow == low && parsed.spanID == span)
        #expect(parsed.parentSpanID == parent && parsed.flags == flags)
    }
}
