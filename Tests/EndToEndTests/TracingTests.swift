import Foundation
import ProcessTestSupport
import Testing

/// Spans exported by the real process, decoded by the independent collector (thriftpy2 with Jaeger's IDL; the
/// OpenTelemetry protobuf definitions for OTLP JSON) and checked field by field.
@Suite struct TracingTests {
    static let platformSpan = "1234567890abcdef1234567890abcdef:0102030405060708:0:1"
    static let traceID = "1234567890abcdef1234567890abcdef"

    private func tracingHeaders(_ collector: SpanCollector, context: String = platformSpan) -> [String: String] {
        ["x-fc-tracing-opentracing-span-context": context, "x-fc-tracing-jaeger-endpoint": collector.jaegerEndpoint]
    }

    private static var nowMicroseconds: Int { Int(Date().timeIntervalSince1970 * 1_000_000) }

    @Test func aColdTracedInvocationExportsRuntimeInitializerInvocationAndCustomSpansAsJaegerThrift() async throws {
        let collector = try await SpanCollector()
        let function = try await FunctionProcess(environment: ["FC_REGION": "cn-hangzhou", "FC_INSTANCE_ID": "instance-7"])
        defer { function.kill() }
        let before = Self.nowMicroseconds
        let reply = try await FCClient(port: function.port).invoke("span", event: "\"x\"", requestID: "traced-1", extra: tracingHeaders(collector))
        let after = Self.nowMicroseconds
        #expect(reply.status == 200 && reply.text == "ok")

        let received = try await collector.waitUntil { $0.jaegerSpans.count >= 4 }
        #expect(received.errors.isEmpty)
        let spans = Dictionary(received.jaegerSpans.map { ($0["operationName"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(spans.keys) == ["RuntimeInitialization", "Initializer", "Invocation", "CustomSpan"])
        let invocation = try #require(spans["Invocation"]), custom = try #require(spans["CustomSpan"])
        let initializer = try #require(spans["Initializer"]), runtime = try #require(spans["RuntimeInitialization"])

        for span in spans.values {
            #expect(span["traceId"] as? String == Self.traceID)
            #expect(span["flags"] as? Int == 1)
            #expect((span["duration"] as? Int ?? 0) > 0)
        }
        // Parentage: the platform span (0102…) is the parent of the runtime's spans; CustomSpan is under Invocation.
        for span in [invocation, initializer, runtime] {
            #expect(span["parentSpanIdHex"] as? String == "0102030405060708")
            #expect(Self.references(span) == ["CHILD_OF \(Self.traceID) 0102030405060708"])
        }
        #expect(custom["parentSpanIdHex"] as? String == invocation["spanIdHex"] as? String)
        #expect(Self.references(custom) == ["CHILD_OF \(Self.traceID) \(invocation["spanIdHex"] as? String ?? "")"])
        #expect(Set(spans.values.compactMap { $0["spanIdHex"] as? String }).count == 4)

        // Times: microseconds since the epoch, inside the test's window; the custom span inside the invocation.
        let invocationStart = try #require(invocation["startTime"] as? Int), invocationDuration = try #require(invocation["duration"] as? Int)
        #expect(invocationStart >= before && invocationStart + invocationDuration <= after)
        let customStart = try #require(custom["startTime"] as? Int), customDuration = try #require(custom["duration"] as? Int)
        #expect(customStart >= invocationStart && customStart + customDuration <= invocationStart + invocationDuration)
        #expect(customDuration >= 2000)  // the handler sleeps 2 ms inside the span
        #expect((runtime["startTime"] as? Int ?? .max) < (initializer["startTime"] as? Int ?? 0))
        #expect((initializer["startTime"] as? Int ?? .max) <= invocationStart)

        // Tags, with their Jaeger types.
        #expect(Self.tag(invocation, "faas.invocation_id") == "STRING traced-1")
        #expect(Self.tag(invocation, "fc.request_id") == "STRING traced-1")
        #expect(Self.tag(invocation, "faas.coldstart") == "BOOL true")
        #expect(Self.tag(invocation, "faas.trigger") == "STRING other")
        #expect(Self.tag(invocation, "span.kind") == "STRING server")
        #expect(Self.tag(invocation, "faas.name") == nil, "function attributes travel with the process, once per batch")
        #expect(Self.tag(invocation, "error") == nil)
        #expect(Self.tag(custom, "custom.attribute") == "STRING conformance")
        #expect(Self.tag(custom, "span.kind") == "STRING internal")

        // The process: FC's application name and the host's tags.
        let batch = try #require(received.batches.first)
        let process = try #require(batch["process"] as? [String: Any])
        #expect(process["serviceName"] as? String == "FC:svc/conformance")
        // OpenTelemetry's FaaS and cloud resource attributes, on the process.
        #expect(Self.tag(process, "faas.name") == "STRING conformance")
        #expect(Self.tag(process, "faas.max_memory") == "LONG \(512 * 1024 * 1024)")
        #expect(Self.tag(process, "faas.instance") == "STRING instance-7")
        #expect(Self.tag(process, "cloud.provider") == "STRING alibaba_cloud")
        #expect(Self.tag(process, "cloud.platform") == "STRING alibaba_cloud_fc")
        #expect(Self.tag(process, "cloud.region") == "STRING cn-hangzhou")
        #expect(Self.tag(process, "cloud.account.id") == "STRING 1234567890")
        #expect(Self.tag(process, "fc.handler") == "STRING span")
        #expect(Self.tag(process, "fc.instance_id") == "STRING instance-7")
        #expect(Self.tag(process, "hostname")?.hasPrefix("STRING ") == true)
        #expect(Self.tag(process, "ip")?.hasPrefix("STRING ") == true)
        #expect(Self.tag(process, "telemetry.sdk.version")?.hasPrefix("STRING ") == true)
        #expect(batch["authorization"] is NSNull)

        // The FCInsights record names the trace.
        let record = try #require(function.stdoutLines.first { $0.hasPrefix("FCInsights:") })
        #expect(record.contains(#""traceContext":"\#(Self.platformSpan)","isSampled":true"#))
        #expect(!function.stdoutLines.joined().contains(collector.jaegerEndpoint))
        #expect(!function.stderrText.contains(collector.jaegerEndpoint))
    }

    @Test func aWarm64BitTraceGetsAZeroHighTraceIDAndNoSecondRuntimeInitialization() async throws {
        let collector = try await SpanCollector()
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        _ = try await client.invoke("echo", event: "1", extra: tracingHeaders(collector, context: "1111:2222:0:1"))
        _ = try await client.invoke("echo", event: "2", requestID: "warm", extra: tracingHeaders(collector, context: "abcdef:3333:1:1"))
        let received = try await collector.waitUntil { $0.jaegerSpans.filter { $0["operationName"] as? String == "Invocation" }.count >= 2 }
        let invocations = received.jaegerSpans.filter { $0["operationName"] as? String == "Invocation" }
        let warm = try #require(invocations.first { Self.tag($0, "faas.invocation_id") == "STRING warm" })
        #expect(warm["traceIdHigh"] as? Int == 0)
        #expect(warm["traceId"] as? String == String(repeating: "0", count: 26) + "abcdef")
        #expect(warm["parentSpanIdHex"] as? String == "0000000000003333")
        #expect(Self.tag(warm, "faas.coldstart") == "BOOL false")
        #expect(received.jaegerSpans.filter { $0["operationName"] as? String == "RuntimeInitialization" }.count == 1)
    }

    @Test func anUnsampledTraceIsPropagatedButNotExported() async throws {
        let collector = try await SpanCollector()
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let unsampled = "aaaaaaaaaaaaaaaa:0102030405060708:0:0"
        let reply = try await client.invoke("trace-headers", event: "\"\"", extra: tracingHeaders(collector, context: unsampled))
        let headers = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: String])
        #expect(headers["traceparent"]?.hasPrefix("00-0000000000000000aaaaaaaaaaaaaaaa-") == true)
        #expect(headers["traceparent"]?.hasSuffix("-00") == true)
        #expect(headers["uber-trace-id"]?.hasPrefix("aaaaaaaaaaaaaaaa:") == true)
        // A sampled invocation afterwards shows the collector works and received nothing of the unsampled trace.
        _ = try await client.invoke("echo", event: "1", extra: tracingHeaders(collector))
        let received = try await collector.waitUntil { !$0.jaegerSpans.isEmpty }
        #expect(!received.jaegerSpans.isEmpty)
        #expect(received.jaegerSpans.allSatisfy { $0["traceId"] as? String == Self.traceID })
        #expect(function.stdoutLines.contains { $0.contains(#""traceContext":"\#(unsampled)","isSampled":false"#) })
    }

    @Test func aW3CTraceParentIsTheParentAndTraceStateAndBaggageArePassedOn() async throws {
        let collector = try await SpanCollector()
        let function = try await FunctionProcess()
        defer { function.kill() }
        let baggage = Data(#"{"tenant":"t 1"}"#.utf8).base64EncodedString()
        let reply = try await FCClient(port: function.port).invoke(
            "trace-headers", event: "\"\"",
            extra: [
                "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate": "congo=t61rcWkgMzE",
                "x-fc-tracing-opentracing-span-baggages": baggage, "x-fc-tracing-jaeger-endpoint": collector.jaegerEndpoint,
            ])
        let headers = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: String])
        #expect(headers["tracestate"] == "congo=t61rcWkgMzE")
        #expect(headers["baggage"] == "tenant=t%201")
        // Downstream ends, and may be sent, before Invocation does: wait for both by name.
        let received = try await collector.waitUntil { received in
            Set(received.jaegerSpans.compactMap { $0["operationName"] as? String }).isSuperset(of: ["Invocation", "Downstream"])
        }
        let invocation = try #require(received.jaegerSpans.first { $0["operationName"] as? String == "Invocation" })
        let downstream = try #require(received.jaegerSpans.first { $0["operationName"] as? String == "Downstream" })
        #expect(invocation["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(invocation["parentSpanIdHex"] as? String == "00f067aa0ba902b7")
        #expect(function.stdoutLines.contains { $0.contains(#""traceContext":"4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1","#) })
        #expect(Self.tag(downstream, "span.kind") == "STRING client")
        // The outgoing headers name the innermost span (Downstream), in both formats.
        let downstreamID = try #require(downstream["spanIdHex"] as? String)
        #expect(headers["traceparent"] == "00-4bf92f3577b34da6a3ce929d0e0e4736-\(downstreamID)-01")
        #expect(headers["uber-trace-id"]?.hasPrefix("4bf92f3577b34da6a3ce929d0e0e4736:\(downstreamID):") == true)
    }

    @Test func otlpJSONExportCarriesKindsStatusAndTypedAttributes() async throws {
        let collector = try await SpanCollector()
        let function = try await FunctionProcess(environment: [
            "SWIFT_FC_TRACING_PROTOCOL": "otlp", "SWIFT_FC_TRACING_ENDPOINT": collector.jaegerEndpoint,
        ])
        defer { function.kill() }
        let before = Self.nowMicroseconds * 1000
        let reply = try await FCClient(port: function.port).invoke(
            "fail", event: "\"broken on purpose\"", extra: ["x-fc-tracing-opentracing-span-context": Self.platformSpan])
        #expect(reply.status == 404)
        let received = try await collector.waitUntil { $0.otlpSpans.contains { $0["name"] as? String == "Invocation" } }
        #expect(received.errors.isEmpty)
        let invocation = try #require(received.otlpSpans.first { $0["name"] as? String == "Invocation" })
        #expect(invocation["traceId"] as? String == Self.traceID)
        #expect(invocation["parentSpanId"] as? String == "0102030405060708")
        #expect(invocation["kind"] as? String == "SPAN_KIND_SERVER")
        let status = try #require(invocation["status"] as? [String: Any])
        #expect(status["code"] as? String == "STATUS_CODE_ERROR")
        #expect((status["message"] as? String)?.contains("broken on purpose") == true)
        let start = Int(invocation["startTimeUnixNano"] as? String ?? "") ?? 0, end = Int(invocation["endTimeUnixNano"] as? String ?? "") ?? 0
        #expect(start >= before && end > start)
        let attributes = Dictionary(
            (invocation["attributes"] as? [[String: Any]] ?? []).map { ($0["key"] as? String ?? "", $0["value"] as? [String: Any] ?? [:]) },
            uniquingKeysWith: { a, _ in a })
        #expect(attributes["faas.coldstart"]?["boolValue"] as? Bool == true)
        #expect(attributes["error.type"]?["stringValue"] as? String == "FixtureError")
        let resource = try #require(
            ((received.batches.first?["request"] as? [String: Any])?["resourceSpans"] as? [[String: Any]])?.first?["resource"] as? [String: Any])
        let resourceAttributes = Dictionary(
            (resource["attributes"] as? [[String: Any]] ?? []).map { ($0["key"] as? String ?? "", $0["value"] as? [String: Any] ?? [:]) },
            uniquingKeysWith: { a, _ in a })
        #expect(resourceAttributes["service.name"]?["stringValue"] as? String == "FC:svc/conformance")
        #expect(resourceAttributes["faas.max_memory"]?["intValue"] as? String == "\(512 * 1024 * 1024)")
        #expect(resourceAttributes["cloud.platform"]?["stringValue"] as? String == "alibaba_cloud_fc")
    }

    @Test func basicAuthFromTheTracingAKAndSKIsSentAndARejectionIsOneWarningWithoutSecrets() async throws {
        let collector = try await SpanCollector(arguments: ["--user", "tracing-ak", "--password", "tracing-sk-value"])
        let good = try await FunctionProcess(environment: ["SWIFT_FC_TRACING_AK": "tracing-ak", "SWIFT_FC_TRACING_SK": "tracing-sk-value"])
        defer { good.kill() }
        _ = try await FCClient(port: good.port).invoke("echo", event: "1", extra: tracingHeaders(collector))
        let accepted = try await collector.waitUntil { !$0.batches.isEmpty }
        let expected = "Basic " + Data("tracing-ak:tracing-sk-value".utf8).base64EncodedString()
        #expect(accepted.batches.first?["authorization"] as? String == expected)

        let bad = try await FunctionProcess(environment: ["SWIFT_FC_TRACING_AK": "tracing-ak", "SWIFT_FC_TRACING_SK": "wrong-sk-value"])
        defer { bad.kill() }
        for index in 0..<3 {
            let reply = try await FCClient(port: bad.port).invoke("echo", event: "\(index)", extra: tracingHeaders(collector))
            #expect(reply.status == 200)
        }
        // The exporter may put several invocations' spans in one request: at least one request was refused.
        let rejected = try await collector.waitUntil { $0.rejected >= 1 }
        #expect(rejected.rejected >= 1)
        _ = try await bad.waitForLine { $0.contains("trace export failed") }
        try await Task.sleep(for: .milliseconds(200))
        let warnings = bad.stdoutLines.filter { $0.contains("trace export failed") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("the collector answered HTTP 401") == true)
        let everything = bad.stdoutLines.joined(separator: "\n") + bad.stderrText
        #expect(!everything.contains("wrong-sk-value") && !everything.contains(collector.jaegerEndpoint) && !everything.contains(":\(collector.port)"))
    }

    @Test(arguments: ["down", "erroring", "hanging", "hanging up"])
    func aFailingCollectorNeverFailsOrDelaysInvocations(_ fault: String) async throws {
        let arguments = ["erroring": ["--status", "503"], "hanging": ["--hang"], "hanging up": ["--drop"]][fault] ?? []
        let collector = try await SpanCollector(arguments: arguments)
        let endpoint = collector.jaegerEndpoint
        if fault == "down" { collector.stop() }
        let function = try await FunctionProcess(environment: ["SWIFT_FC_TRACING_FLUSH_TIMEOUT": "0.5"])
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let headers = ["x-fc-tracing-opentracing-span-context": Self.platformSpan, "x-fc-tracing-jaeger-endpoint": endpoint]
        for index in 0..<5 {
            let reply = try await client.invoke("echo", event: "\(index)", extra: headers)
            #expect(reply.status == 200 && reply.text == "\(index)")
        }
        // Pre-freeze waits for the queue at most the flush timeout, then answers.
        let freeze = try await client.send(path: "/pre-freeze", headers: ["x-fc-request-id": "freeze"])
        #expect(freeze.status == 200)
        let warning = try await function.waitForLine(timeout: .seconds(10)) { $0.contains("trace export failed") }
        #expect(warning != nil)
        #expect(function.stdoutLines.filter { $0.contains("trace export failed") }.count == 1)
        let reason = [
            "down": "could not reach the collector", "erroring": "the collector answered HTTP 503",
            "hanging": "the collector did not answer within", "hanging up": "the collector closed the connection without an answer",
        ][fault] ?? "?"
        #expect(warning?.contains(reason) == true, "\(warning ?? "no warning")")
        #expect(!function.stdoutLines.joined(separator: "\n").contains("127.0.0.1:\(collector.port)"))
        let after = try await client.invoke("echo", event: "still serving")
        #expect(after.text == "still serving")
    }

    @Test func batchesShareOneKeptAliveConnectionAndOneTheCollectorClosedIsReplacedWithoutLoss() async throws {
        // An idle timeout far above the time between two invocations, even when the test process starts dozens of
        // processes at once on two cores (2 s was not: batches 0 and 1 once came on two connections).
        let collector = try await SpanCollector(arguments: ["--idle-timeout", "15"])
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        func invokeAndFreeze(_ index: Int) async throws {
            let reply = try await client.invoke("echo", event: "\(index)", requestID: "kept-\(index)", extra: tracingHeaders(collector))
            #expect(reply.status == 200)
            #expect(try await client.send(path: "/pre-freeze", headers: ["x-fc-request-id": "freeze-\(index)"]).status == 200)
        }
        try await invokeAndFreeze(0)
        try await invokeAndFreeze(1)
        // The collector closes the connection once it has been idle for 15 s; the next batch needs a new one.
        try await Task.sleep(for: .seconds(17))
        try await invokeAndFreeze(2)

        let received = try await collector.waitUntil { received in
            (0..<3).allSatisfy { index in received.jaegerSpans.contains { Self.tag($0, "faas.invocation_id") == "STRING kept-\(index)" } }
        }
        #expect(received.errors.isEmpty)
        func peers(of index: Int) -> Set<Int> {
            Set(received.batches.filter { batch in
                (batch["spans"] as? [[String: Any]] ?? []).contains { Self.tag($0, "faas.invocation_id") == "STRING kept-\(index)" }
            }.compactMap { $0["peer"] as? Int })
        }
        #expect(peers(of: 0).count == 1)
        #expect(peers(of: 0) == peers(of: 1))
        #expect(peers(of: 2).count == 1 && peers(of: 2).isDisjoint(with: peers(of: 0)))
        #expect(!function.stdoutLines.contains { $0.contains("trace export failed") })
    }

    @Test func withoutIncomingContextTheRateLimitingSamplerStartsRootTraces() async throws {
        let collector = try await SpanCollector()
        let function = try await FunctionProcess(environment: [
            "SWIFT_FC_TRACING_ENDPOINT": collector.jaegerEndpoint, "SWIFT_FC_TRACING_SAMPLES_PER_SECOND": "0.001",
        ])
        defer { function.kill() }
        let client = FCClient(port: function.port)
        for index in 0..<5 { _ = try await client.invoke("echo", event: "\(index)", requestID: "root-\(index)") }
        let freeze = try await client.send(path: "/pre-freeze", headers: ["x-fc-request-id": "freeze"])
        #expect(freeze.status == 200)
        let received = try await collector.received()
        let invocations = received.jaegerSpans.filter { $0["operationName"] as? String == "Invocation" }
        #expect(invocations.count == 1)
        #expect(invocations.first?["parentSpanId"] as? Int == 0)
        #expect(Self.references(invocations.first ?? [:]).isEmpty)
        #expect(Self.tag(invocations.first ?? [:], "faas.invocation_id") == "STRING root-0")
        let records = function.stdoutLines.filter { $0.hasPrefix("FCInsights:") }
        #expect(records.filter { $0.contains(#""isSampled":true"#) }.count == 1)
        // The sampled record names the trace started here by its root, the Invocation span.
        let traceID = try #require(invocations.first?["traceId"] as? String)
        let spanID = try #require(invocations.first?["spanIdHex"] as? String)
        #expect(records.contains { $0.contains(#""traceContext":"\#(traceID):\#(spanID):0:1","isSampled":true"#) })
    }

    @Test func sigtermWaitsForTheSpansOfTheDrainedInvocation() async throws {
        let collector = try await SpanCollector()
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        async let reply = client.invoke("sleep", event: #"{"ms": 400}"#, requestID: "drained", extra: tracingHeaders(collector))
        _ = try await function.waitForLine { $0 == "FC Invoke Start RequestId: drained" }
        function.signal(SIGTERM)
        #expect(try await reply.status == 200)
        #expect(try await function.waitForExit() == 0)
        let received = try await collector.received()
        #expect(received.jaegerSpans.contains { Self.tag($0, "faas.invocation_id") == "STRING drained" })
    }

    @Test func invalidTraceHeadersGiveOneWarningAndARootInvocation() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let bad = try await client.invoke("echo", event: "1", requestID: "bad-tp", extra: ["traceparent": "01-zz-01"])
        #expect(bad.status == 200 && bad.text == "1")
        let badFC = try await client.invoke("echo", event: "2", requestID: "bad-fc", extra: ["x-fc-tracing-opentracing-span-context": "0:1:0:1"])
        #expect(badFC.status == 200)
        let badEndpoint = try await client.invoke(
            "echo", event: "3", requestID: "bad-ep", extra: ["x-fc-tracing-jaeger-endpoint": "ftp://secret-host/api/traces"])
        #expect(badEndpoint.status == 200)
        let lines = function.stdoutLines
        #expect(lines.contains { $0.contains("bad-tp [WARN") && $0.contains("ignoring traceparent=") })
        #expect(lines.contains { $0.contains("bad-fc [WARN") && $0.contains("the trace id is zero") })
        #expect(lines.contains { $0.contains("bad-ep [WARN") && $0.contains("ignoring x-fc-tracing-jaeger-endpoint: not an http:// URL") })
        #expect(!lines.joined().contains("secret-host"))
        #expect(!lines.contains { $0.contains("traceContext") })
    }

    // MARK: - Helpers

    /// `"TYPE value"` of a Jaeger tag, e.g. `"BOOL true"`.
    static func tag(_ span: [String: Any], _ key: String) -> String? {
        guard let tag = (span["tags"] as? [[String: Any]])?.first(where: { $0["key"] as? String == key }) else { return nil }
        let value: String =
            switch tag["value"] {
            case let flag as Bool where tag["type"] as? String == "BOOL": String(flag)
            case let number as Int: String(number)
            case let text as String: text
            case let other?: "\(other)"
            case nil: "nil"
            }
        return "\(tag["type"] as? String ?? "?") \(value)"
    }

    /// `"REFTYPE traceId spanId"` for each reference.
    static func references(_ span: [String: Any]) -> [String] {
        (span["references"] as? [[String: Any]] ?? []).map {
            "\($0["refType"] as? String ?? "?") \($0["traceId"] as? String ?? "?") \($0["spanIdHex"] as? String ?? "?")"
        }
    }
}
