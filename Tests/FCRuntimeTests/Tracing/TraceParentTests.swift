import Testing

@testable import FCRuntime

@Suite struct TraceParentTests {
    @Test func readsAVersion00TraceParent() throws {
        let context = try JaegerSpanContext(traceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(context.traceIDHigh == 0x4bf9_2f35_77b3_4da6)
        #expect(context.traceIDLow == 0xa3ce_929d_0e0e_4736)
        #expect(context.spanID == 0x00f0_67aa_0ba9_02b7)
        #expect(context.parentSpanID == 0)
        #expect(context.isSampled)
    }

    @Test func anUnsampledTraceParentHasFlagsZero() throws {
        #expect(try JaegerSpanContext(traceParent: " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00 ").flags == 0)
    }

    @Test(arguments: [
        "", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", "00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
    ])
    func rejectsWhatIsNotAVersion00TraceParent(_ value: String) {
        #expect(throws: SpanContextParsingError.self) { try JaegerSpanContext(traceParent: value) }
    }

    @Test func aParserWarningNamesTheHeaderAndTheRootBehaviourFollows() {
        let parser = ContextParser(configuration: RuntimeConfiguration(), output: CollectingLineOutput())
        let context = parser.context(from: [.init("traceparent")!: "garbage\r\nFC Invoke End"], isColdStart: false)
        #expect(context.tracing.spanContext == nil)
        #expect(context.headerWarnings.count == 1)
        #expect(context.headerWarnings.first?.hasPrefix("ignoring traceparent=") == true)
        #expect(context.headerWarnings.first?.contains("\n") == false)
    }

    @Test func theFCSpanContextHeaderWinsOverTraceParent() {
        let parser = ContextParser(configuration: RuntimeConfiguration(), output: CollectingLineOutput())
        let context = parser.context(
            from: [
                .init("traceparent")!: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                .init("x-fc-tracing-opentracing-span-context")!: "abc:def:0:1",
            ], isColdStart: false)
        #expect(context.tracing.spanContext?.traceIDLow == 0xabc)
        #expect(context.tracing.traceParent.hasPrefix("00-4bf9"))
    }
}
