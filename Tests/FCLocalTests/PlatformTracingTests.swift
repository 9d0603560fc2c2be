import Foundation
import NIOHTTP1
import ProcessTestSupport
import Testing

/// Tracing switched on through the tracing-configuration API: the function's instance gets the AK/SK, its
/// invocations a platform span context, and the platform keeps one trace per invocation — its own spans and the
/// function's, which the collector accepted with the function's credentials.
@Suite(.serialized)
struct PlatformTracingTests {
    static let config = "functions:\n  - {service: demo, name: spans, product: conformance-function, handler: span, initializer: index.init}"

    @Test func aTracedInvocationYieldsOneTreeOfPlatformAndFunctionSpans() async throws {
        try await RunningPlatform.with(config: Self.config) { platform in
            // Untraced first: no platform span context, no trace kept.
            #expect(try await platform.invoke(service: "demo", function: "spans").text == "ok")
            let path = "/v2/\(platform.projectID)/fgs/functions/urn:fss:cn-hangzhou:\(platform.projectID):function:demo:spans:LATEST/tracing"
            let body = try JSONSerialization.data(withJSONObject: ["tracing_ak": "local-ak", "tracing_sk": "local-secret-sk"])
            let put = try await platform.request(.PUT, path, headers: [("X-Auth-Token", platform.authToken), ("Content-Type", "application/json")], body: body)
            #expect(put.status == 200)

            // The running instance was retired, so this is a cold start with the tracing environment.
            #expect(try await platform.invoke(service: "demo", function: "spans").text == "ok")
            var trace: [String: Any] = [:]
            try await waitUntil("the function's spans to arrive") {
                let found = try await platform.request(.GET, "/api/traces?service=FC:demo/spans&limit=5").json["data"] as? [[String: Any]] ?? []
                trace = found.first ?? [:]
                let names = Set((trace["spans"] as? [[String: Any]] ?? []).compactMap { $0["operationName"] as? String })
                return names.isSuperset(of: ["InvokeFunction", "ColdStart", "PrepareCode", "Invocation", "CustomSpan", "Initializer"])
            }
            let spans = trace["spans"] as? [[String: Any]] ?? []
            #expect(Set(spans.compactMap { $0["traceID"] as? String }).count == 1)
            func span(_ name: String) -> [String: Any] { spans.first { $0["operationName"] as? String == name } ?? [:] }
            func parent(_ name: String) -> String? { ((span(name)["references"] as? [[String: Any]])?.first)?["spanID"] as? String }
            #expect(parent("InvokeFunction") == nil)
            #expect(parent("ColdStart") == span("InvokeFunction")["spanID"] as? String)
            #expect(parent("PrepareCode") == span("ColdStart")["spanID"] as? String)
            #expect(parent("Invocation") == span("InvokeFunction")["spanID"] as? String)
            #expect(parent("CustomSpan") == span("Invocation")["spanID"] as? String)
            #expect(span("InvokeFunction")["duration"] as? Int ?? 0 >= span("Invocation")["duration"] as? Int ?? .max)

            // The same trace by id, and only one trace so far (the untraced invocation left none).
            let traceID = try #require(trace["traceID"] as? String)
            let byID = try await platform.request(.GET, "/api/traces/\(traceID)").json["data"] as? [[String: Any]] ?? []
            #expect((byID.first?["spans"] as? [[String: Any]])?.count == spans.count)
            let all = try await platform.request(.GET, "/api/traces?service=FC:demo/spans").json["data"] as? [[String: Any]] ?? []
            #expect(all.count == 1)
            #expect(!platform.run.stderr.text.contains("local-secret-sk"))
        }
    }
}
