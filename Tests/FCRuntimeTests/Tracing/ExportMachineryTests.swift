import Logging
import Testing
import Tracing

@testable import FCRuntime

@Suite struct ExportMachineryTests {
    private func span(_ id: UInt64) -> FinishedSpan {
        FinishedSpan(
            traceID: TraceIdentifier(high: 0, low: 1), spanID: id, parentSpanID: 0, flags: 1, name: "s\(id)", kind: .internal,
            startNanoseconds: 1, endNanoseconds: 2, runtimeAttributes: .none, attributes: [:], events: [], status: nil, links: [])
    }

    @Test func aFullQueueDropsTheOldestSpansAndCountsThem() {
        var queue = SpanQueue(capacity: 3)
        let destination = TraceDestination(endpoint: Secret("http://collector/api/traces"), serviceName: "FC:s/f", function: FunctionResource([]))
        for id in 1...5 { queue.append(.init(destination: destination, span: span(UInt64(id)))) }
        #expect(queue.count == 3)
        #expect(queue.droppedTotal == 2)
        #expect(queue.take(upTo: 2).map(\.span.spanID) == [3, 4])
        #expect(queue.take(upTo: 10).map(\.span.spanID) == [5])
        #expect(queue.isEmpty)
    }

    @Test func theSamplerAllowsTheConfiguredRateAndRefills() {
        let start: UInt64 = 7_000_000_000
        let millisecond: UInt64 = 1_000_000
        let sampler = RateLimitingSampler(tracesPerSecond: 1, nowNanoseconds: start)
        #expect(sampler.shouldSample(nowNanoseconds: start))
        #expect(!sampler.shouldSample(nowNanoseconds: start + 500 * millisecond))
        #expect(sampler.shouldSample(nowNanoseconds: start + 1001 * millisecond))
        #expect(!sampler.shouldSample(nowNanoseconds: start + 1002 * millisecond))
        // A reading older than the last refill (another thread's) neither refills nor moves the bucket back: half a
        // second after the last refill there is half a token, not the 1.5 s' worth a bucket moved back would hold.
        #expect(!sampler.shouldSample(nowNanoseconds: start))
        #expect(!sampler.shouldSample(nowNanoseconds: start + 1502 * millisecond))
        #expect(sampler.shouldSample(nowNanoseconds: start + 2002 * millisecond))
        let five = RateLimitingSampler(tracesPerSecond: 5, nowNanoseconds: start)
        #expect((0..<10).filter { _ in five.shouldSample(nowNanoseconds: start) }.count == 5)
        #expect(!RateLimitingSampler(tracesPerSecond: 0, nowNanoseconds: start).shouldSample(nowNanoseconds: start))
    }

    @Test func exportWarningsAreAtMostOnePerIntervalAndCountWhatHappenedMeanwhile() {
        let output = CollectingLineOutput()
        let logger = Logger(label: "t") { _ in FCLogHandler(requestID: "-", output: output, logLevel: .info) }
        let warnings = ExportWarnings(logger: logger, interval: .seconds(60))
        let start = ContinuousClock.now
        warnings.exportFailed(reason: "the collector answered HTTP 503", spanCount: 3, droppedTotal: 0, now: start)
        for second in 1...5 {
            warnings.exportFailed(reason: "the collector answered HTTP 503", spanCount: 2, droppedTotal: 4, now: start.advanced(by: .seconds(second)))
        }
        #expect(output.lines.count == 1)
        warnings.exportFailed(reason: "could not reach the collector", spanCount: 1, droppedTotal: 7, now: start.advanced(by: .seconds(61)))
        #expect(output.lines.count == 2)
        #expect(output.lines.last?.contains("could not reach the collector; 11 spans lost in 6 failed exports") == true)
        #expect(output.lines.last?.contains("7 dropped from a full queue") == true)
    }

    @Test func otlpRewritesAJaegerCollectorPathAndRejectsNonHTTPEndpoints() {
        #expect(TraceUploader.url(for: "http://h:14268/api/traces", wireProtocol: .otlpJSON) == "http://h:14268/v1/traces")
        #expect(TraceUploader.url(for: "http://h:14268/api/traces", wireProtocol: .jaegerThrift) == "http://h:14268/api/traces")
        #expect(TraceUploader.url(for: "http://h/custom", wireProtocol: .otlpJSON) == "http://h/custom")
        #expect(TraceUploader.url(for: "https://h/api/traces", wireProtocol: .jaegerThrift) == nil)
        #expect(TraceUploader.url(for: "ftp://h/api/traces", wireProtocol: .jaegerThrift) == nil)
        // Whitespace anywhere, ASCII or not, makes the endpoint unusable.
        for spaced in ["http://h/a b", "http://h/a\tb", "http://h/a\u{0B}b", "http://h/\u{A0}x", "http://h/\u{3000}x"] {
            #expect(TraceUploader.url(for: spaced, wireProtocol: .jaegerThrift) == nil, "\(spaced)")
        }
    }

    @Test func theRememberedEndpointCheckAnswersForTheEndpointAskedAbout() {
        // Alternating endpoints: the remembered answer of one must never be given for another.
        for _ in 0..<2 {
            #expect(EndpointCheck.isUsable("http://collector:14268/api/traces"))
            #expect(!EndpointCheck.isUsable("https://collector:14268/api/traces"))
            #expect(!EndpointCheck.isUsable("http://collector:14268/api/traces "))
            #expect(!EndpointCheck.isUsable(""))
            #expect(EndpointCheck.isUsable("http://other/api/traces"))
        }
    }

    @Test func theRememberedCollectorTargetAnswersForTheEndpointAskedAbout() {
        // As the uploader remembers it: an OTLP exporter's targets.
        let memo = LastEndpointMemo { TraceUploader.target(for: $0, wireProtocol: .otlpJSON) }
        for _ in 0..<2 {
            #expect(memo.answer(for: "http://a:1/api/traces")?.target == "/v1/traces")
            #expect(memo.answer(for: "http://a:1/api/traces")?.port == 1)
            #expect(memo.answer(for: "https://a/api/traces") == nil)
            #expect(memo.answer(for: "http://b/x?y=1")?.authority == "b")
            #expect(memo.answer(for: "http://b/x?y=1")?.target == "/x?y=1")
            #expect(memo.answer(for: "http://b/ x") == nil)
        }
    }

    @Test func collectorURLsSplitIntoHostPortAndTarget() {
        #expect(CollectorConnection.target(for: "http://tracing.example:14268/api/traces?x=1")
            == .init(host: "tracing.example", port: 14268, target: "/api/traces?x=1", authority: "tracing.example:14268"))
        #expect(CollectorConnection.target(for: "HTTP://h") == .init(host: "h", port: 80, target: "/", authority: "h"))
        #expect(CollectorConnection.target(for: "http://[::1]:9/v1/traces") == .init(host: "::1", port: 9, target: "/v1/traces", authority: "[::1]:9"))
        for bad in ["https://h/x", "http://", "http://h:0/x", "http://h:99999/", "http://user:pw@h/x", "http://h:port/x", "ftp://h"] {
            #expect(CollectorConnection.target(for: bad) == nil, "\(bad)")
        }
    }

    @Test func spanIDsAreNonZeroAndDistinct() {
        let ids = (0..<10_000).map { _ in SpanIDGenerator.next() }
        #expect(!ids.contains(0))
        #expect(Set(ids).count == ids.count)
    }

    @Test func outgoingHeadersCarryBothFormatsAndPercentEncodedBaggage() {
        let active = ActiveSpan(
            traceID: TraceIdentifier(high: 0, low: 0xabc), spanID: 0x12, parentSpanID: 0x5, flags: 1, traceState: "v=1",
            baggage: ["user id": "a,b=c"], sink: nil)
        let headers = Dictionary(uniqueKeysWithValues: TraceHeaders.outgoing(for: active).map { ($0.name, $0.value) })
        #expect(headers["uber-trace-id"] == "0000000000000abc:0000000000000012:5:1")
        #expect(headers["traceparent"] == "00-00000000000000000000000000000abc-0000000000000012-01")
        #expect(headers["tracestate"] == "v=1")
        #expect(headers["baggage"] == "user%20id=a%2Cb%3Dc")
    }

    @Test func spansOutsideATraceAreInertAndSpansInsideOneAreChildren() {
        let tracer = FCTracer()
        let inert = tracer.startSpan("Loose", context: .topLevel, ofKind: .internal, at: DefaultTracerClock.now, function: "", file: "", line: 0)
        #expect(!inert.isRecording)
        inert.attributes["k"] = "v"
        #expect(inert.attributes.get("k") == nil)
        let parent = ActiveSpan(
            traceID: TraceIdentifier(high: 1, low: 2), spanID: 3, parentSpanID: 0, flags: 0, traceState: "", baggage: [:], sink: nil)
        var context = ServiceContext.topLevel
        context[ActiveSpanKey.self] = parent
        let child = tracer.startSpan("Child", context: context, ofKind: .client, at: DefaultTracerClock.now, function: "", file: "", line: 0)
        let active = child.context[ActiveSpanKey.self]
        #expect(active?.traceID == TraceIdentifier(high: 1, low: 2))
        #expect(active?.parentSpanID == 3)
        #expect(active?.spanID != 3)
        #expect(!child.isRecording)  // the trace is not sampled
    }

    /// While invocations keep running, export requests are spaced by the interval, except when waiting would let
    /// spans pile up (a full batch), a flush began, or the instance has been idle for two checks.
    @Test(arguments: [
        (0, false, 0, false), (511, false, 1, false), (512, false, 0, true), (2_000, false, 0, true),
        (1, true, 0, true), (1, false, 2, true), (0, false, 5, true),
    ])
    func exportWaitsForTheIntervalOnlyWhileNothingUrgesIt(queued: Int, flushing: Bool, idleChecks: Int, sendsNow: Bool) {
        let fullBatch = SpanExporter.fullBatch(queueCapacity: 2048)
        #expect(SpanExporter.sendsWithoutWaiting(queued: queued, fullBatch: fullBatch, flushing: flushing, idleChecks: idleChecks) == sendsNow)
    }

    /// A full batch is at most the request limit and at most half the queue, so that a small queue cannot fill up
    /// while the exporter waits.
    @Test func aFullBatchFitsTwiceInTheQueue() {
        #expect(SpanExporter.fullBatch(queueCapacity: 2048) == SpanExporter.batchLimit)
        #expect(SpanExporter.fullBatch(queueCapacity: 100) == 50)
        #expect(SpanExporter.fullBatch(queueCapacity: 1) == 1)
    }

    @Test func aTracingContextNeverPrintsTheEndpointOrTheCredentials() {
        let output = CollectingLineOutput()
        let logger = Logger(label: "t") { _ in FCLogHandler(requestID: "-", output: output, logLevel: .info) }
        let configuration = TracingConfiguration(accessKey: "ak", secretKey: Secret("tracing-sk-value"))
        let exporter = SpanExporter(configuration: configuration, processTags: [], warnings: ExportWarnings(logger: logger))
        let sink = SpanSink(
            exporter: exporter,
            destination: TraceDestination(endpoint: Secret("http://secret-host:1/adapt_token/api/traces"), serviceName: "FC:s/f", function: FunctionResource([])))
        var context = ServiceContext.topLevel
        context[ActiveSpanKey.self] = ActiveSpan(
            traceID: TraceIdentifier(high: 0, low: 1), spanID: 2, parentSpanID: 0, flags: 1, traceState: "", baggage: [:], sink: sink)
        var dumped = ""
        dump(context, to: &dumped)
        for text in [String(describing: context), String(reflecting: context), dumped, "\(sink)", "\(sink.destination)"] {
            #expect(!text.contains("secret-host") && !text.contains("adapt_token") && !text.contains("tracing-sk-value"), "\(text)")
        }
    }
}
