import Foundation
import NIOHTTP1
import ProcessTestSupport
import Testing

/// Known secret values fed everywhere a secret enters the runtime — the credential headers, the collector endpoint,
/// the tracing SK — through every handler, error path and span export: none may come out in stdout, stderr, an
/// answer or an exported span.
@Suite struct SecretsTests {
    @Test func noSecretAppearsInAnyOutputAnswerOrExportedSpan() async throws {
        let tracingSK = "SECRET-TRACING-SK-7f3a"
        let collector = try await SpanCollector(arguments: ["--user", "tracing-ak", "--password", tracingSK])
        let function = try await FunctionProcess(environment: [
            "SWIFT_FC_TRACING_AK": "tracing-ak", "SWIFT_FC_TRACING_SK": tracingSK, "SWIFT_FC_INSTANCE_METRICS_INTERVAL": "1",
        ])
        defer { function.kill() }
        let secrets = ["SECRET-ACCESS-KEY-SECRET-1c9e", "SECRET-SECURITY-TOKEN-88d2", tracingSK, collector.jaegerEndpoint, ":\(collector.port)/"]
        let headers = [
            "x-fc-access-key-id": "visible-ak-id", "x-fc-access-key-secret": secrets[0], "x-fc-security-token": secrets[1],
            "x-fc-tracing-jaeger-endpoint": collector.jaegerEndpoint,
            "x-fc-tracing-opentracing-span-context": "0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331:0:1",
            "x-fc-tracing-opentracing-span-baggages": Data(#"{"k":"v"}"#.utf8).base64EncodedString(),
        ]
        let client = FCClient(port: function.port)
        var answers: [String] = []
        // Every handler, a failing one, a malformed event, a timeout, and an HTTP invocation.
        for (handler, event) in [("echo", "e"), ("context", ""), ("fail", "boom"), ("json", "not json"), ("span", ""), ("trace-headers", "")] {
            answers.append(try await client.invoke(handler, event: event, extra: headers).text)
        }
        var timeout = headers
        timeout["x-fc-function-timeout"] = "0.05"
        answers.append(try await client.invoke("sleep", event: #"{"ms": 2000}"#, extra: timeout).text)
        var http = headers
        http["x-fc-control-path"] = "/http-invoke"
        answers.append(
            try await client.send(.POST, path: "/x?status=500", headers: FCClient.platformHeaders(requestID: "h", handler: "http", extra: http), body: Data("b".utf8)).text)
        // An instance metrics record, then SIGTERM (pre-stop and the final span flush).
        _ = try await function.waitForLine { $0.hasPrefix("FCInstanceMetrics:") }
        function.signal(SIGTERM)
        _ = try await function.waitForExit()

        let received = try await collector.waitUntil { !$0.jaegerSpans.isEmpty }
        #expect(received.jaegerSpans.contains { $0["operationName"] as? String == "CustomSpan" })
        let spans = String(decoding: try JSONSerialization.data(withJSONObject: received.batches.map { $0.filter { $0.key != "authorization" } }), as: UTF8.self)
        let everything = [function.stdoutLines.joined(separator: "\n"), function.stderrText, answers.joined(separator: "\n"), spans]
        for (place, text) in zip(["stdout", "stderr", "answers", "exported spans"], everything) {
            for secret in secrets { #expect(!text.contains(secret), "\(secret) appeared in \(place)") }
        }
        // The checks looked at real output: the context answer shows the non-secret AK id and that a secret was set.
        #expect(answers[1].contains("visible-ak-id") && answers[1].contains(#""hasAccessKeySecret":true"#))
    }
}
