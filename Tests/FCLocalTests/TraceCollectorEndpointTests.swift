import Foundation
import NIOHTTP1
import ProcessTestSupport
import Testing

/// The span collector of `fc-local start` (`POST /api/traces` Jaeger Thrift, `POST /v1/traces` OTLP JSON) keeps a
/// batch only when its basic auth is the tracing AK/SK of the function its spans belong to; the queries answer what
/// it kept in Jaeger's JSON shape.
@Suite struct TraceCollectorEndpointTests {
    @Test func anOTLPBatchIsKeptOnlyWithTheFunctionsCredentials() async throws {
        let platform = try await TracePlatform.start()
        defer { platform.finish() }
        let batch = TraceBatches.otlp(application: "FC:demo/echo")

        // Tracing off: no credentials are the function's.
        #expect(try await platform.postOTLP(batch.body, user: "AK1", password: "SK1").status == 403)
        try await platform.configure(accessKey: "AK1", secretKey: "SK1")

        let missing = try await platform.postOTLP(batch.body, user: nil, password: nil)
        #expect(missing.status == 401)
        #expect(missing.header("WWW-Authenticate")?.hasPrefix("Basic ") == true)
        #expect((missing.json["errors"] as? [[String: Any]])?.first?["code"] as? Int == 401)
        let malformed = try await platform.platform.request(
            .POST, "/v1/traces", headers: [("Content-Type", "application/json"), ("Authorization", "Basic !!!")], body: batch.body)
        #expect(malformed.status == 401)
        #expect(try await platform.postOTLP(batch.body, user: "AK1", password: "wrong").status == 403)
        #expect(try await platform.postOTLP(batch.body, user: "AK2", password: "SK1").status == 403)
        // Refused batches are not kept.
        #expect(try await platform.platform.request(.GET, "/api/traces/\(batch.traceID)").status == 404)

        let accepted = try await platform.postOTLP(batch.body, user: "AK1", password: "SK1")
        #expect(accepted.status == 202)
        let trace = try await platform.platform.request(.GET, "/api/traces/\(batch.traceID)")
        #expect(trace.status == 200)
        let data = try #require((trace.json["data"] as? [[String: Any]])?.first)
        #expect(data["traceID"] as? String == batch.traceID)
        let spans = try #require(data["spans"] as? [[String: Any]])
        #expect(spans.map { $0["operationName"] as? String } == ["Invocation", "CustomSpan"])
        let child = spans[1]
        #expect((child["references"] as? [[String: Any]])?.first?["refType"] as? String == "CHILD_OF")
        #expect((child["references"] as? [[String: Any]])?.first?["spanID"] as? String == batch.rootSpanID)
        #expect(child["duration"] as? Int == 2000)
        #expect((child["tags"] as? [[String: Any]])?.contains { $0["key"] as? String == "custom.attribute" && $0["value"] as? String == "x" } == true)
        #expect(((data["processes"] as? [String: [String: Any]])?["p1"])?["serviceName"] as? String == "FC:demo/echo")
        // The refusals were reported on fc-local's output, never with the credentials.
        #expect(platform.platform.run.stderr.text.contains("span collector refused a batch"))
        #expect(!platform.platform.run.stderr.text.contains("SK1"))
    }

    @Test func aJaegerThriftBatchIsKeptWithTheRightCredentials() async throws {
        let platform = try await TracePlatform.start()
        defer { platform.finish() }
        try await platform.configure(accessKey: "thrift-ak", secretKey: "thrift-sk")
        let batch = TraceBatches.thrift(application: "FC:demo/echo")
        func post(_ body: Data, contentType: String = "application/x-thrift", password: String = "thrift-sk") async throws -> RunningPlatform.Answer {
            try await platform.platform.request(
                .POST, "/api/traces", headers: [("Content-Type", contentType), ("Authorization", TraceBatches.basic("thrift-ak", password))], body: body)
        }
        #expect(try await post(batch.body, password: "other").status == 403)
        #expect(try await post(batch.body, contentType: "application/json").status == 415)
        #expect(try await post(Data([0x0C, 0x00])).status == 400)
        #expect(try await post(batch.body).status == 202)

        let trace = try await platform.platform.request(.GET, "/api/traces/\(batch.traceID)")
        let spans = try #require(((trace.json["data"] as? [[String: Any]])?.first)?["spans"] as? [[String: Any]])
        #expect(spans.count == 1)
        #expect(spans.first?["operationName"] as? String == "ThriftSpan")
        #expect(spans.first?["spanID"] as? String == batch.rootSpanID)
    }

    @Test func spansOfAnotherFunctionOrAnUnknownApplicationAreRefused() async throws {
        let platform = try await TracePlatform.start()
        defer { platform.finish() }
        try await platform.configure(accessKey: "AK-echo", secretKey: "SK-echo")
        try await platform.configure(function: "other", accessKey: "AK-other", secretKey: "SK-other")

        let other = TraceBatches.otlp(application: "FC:demo/other")
        #expect(try await platform.postOTLP(other.body, user: "AK-echo", password: "SK-echo").status == 403)
        #expect(try await platform.postOTLP(other.body, user: "AK-other", password: "SK-other").status == 202)
        let unknown = TraceBatches.otlp(application: "FC:demo/missing")
        #expect(try await platform.postOTLP(unknown.body, user: "AK-echo", password: "SK-echo").status == 403)
        let foreign = TraceBatches.otlp(application: "some-service")
        #expect(try await platform.postOTLP(foreign.body, user: "AK-echo", password: "SK-echo").status == 403)

        // Switching tracing off: the old credentials no longer open the collector.
        try await platform.configure(accessKey: "", secretKey: "")
        let late = TraceBatches.otlp(application: "FC:demo/echo")
        #expect(try await platform.postOTLP(late.body, user: "AK-echo", password: "SK-echo").status == 403)
        #expect(try await platform.platform.request(.GET, "/api/traces/\(late.traceID)").status == 404)
    }

    @Test func queriesValidateIDsAndListTheNewestTraces() async throws {
        let platform = try await TracePlatform.start()
        defer { platform.finish() }
        try await platform.configure(accessKey: "AK", secretKey: "SK")
        try await platform.configure(function: "other", accessKey: "AK", secretKey: "SK")
        let start = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let batches = (0..<3).map { TraceBatches.otlp(application: "FC:demo/echo", startMicroseconds: start + Int64($0) * 1000) }
        let other = TraceBatches.otlp(application: "FC:demo/other", startMicroseconds: start + 5000)
        for batch in batches + [other] {
            #expect(try await platform.postOTLP(batch.body, user: "AK", password: "SK").status == 202)
        }

        for malformed in ["xyz", String(repeating: "a", count: 33), "0x12"] {
            let answer = try await platform.platform.request(.GET, "/api/traces/\(malformed)")
            #expect(answer.status == 400, "\(malformed)")
            #expect((answer.json["errors"] as? [[String: Any]])?.first?["code"] as? Int == 400)
        }
        let unknown = try await platform.platform.request(.GET, "/api/traces/" + String(repeating: "f", count: 32))
        #expect(unknown.status == 404)
        #expect(unknown.json["data"] is NSNull)
        #expect((unknown.json["errors"] as? [[String: Any]])?.first?["msg"] as? String == "trace not found")
        // Upper case is accepted, as Jaeger does.
        #expect(try await platform.platform.request(.GET, "/api/traces/\(batches[0].traceID.uppercased())").status == 200)

        func search(_ query: String) async throws -> [String] {
            let answer = try await platform.platform.request(.GET, "/api/traces?\(query)")
            #expect(answer.status == 200, "\(query): \(answer.text)")
            return (answer.json["data"] as? [[String: Any]] ?? []).compactMap { $0["traceID"] as? String }
        }
        #expect(try await search("service=FC:demo/echo&limit=2") == [batches[2].traceID, batches[1].traceID])
        #expect(try await search("service=FC:demo/echo") == batches.reversed().map(\.traceID))
        #expect(try await search("limit=1") == [other.traceID])
        #expect(try await platform.platform.request(.GET, "/api/traces?limit=0").status == 400)
        #expect(try await platform.platform.request(.GET, "/api/traces?limit=many").status == 400)
        let services = try await platform.platform.request(.GET, "/api/services")
        #expect(services.json["data"] as? [String] == ["FC:demo/echo", "FC:demo/other"])
    }
}

/// A platform serving `demo/echo` and `demo/other`, with the tracing-configuration and collector calls the tests use.
struct TracePlatform {
    static let config = """
        functions:
          - {service: demo, name: echo, product: conformance-function, handler: echo}
          - {service: demo, name: other, product: conformance-function, handler: echo}
        """

    let platform: RunningPlatform

    static func start(stateDirectory: String = RunningPlatform.newStateDirectory()) async throws -> TracePlatform {
        TracePlatform(platform: try await RunningPlatform.start(config: try RunningPlatform.configFile(config), stateDirectory: stateDirectory))
    }

    /// Kills the platform and removes its state.
    func finish() {
        platform.killHard()
        try? FileManager.default.removeItem(atPath: platform.stateDirectory)
    }

    /// The tracing-configuration path of `demo/<function>`.
    func tracingPath(function: String = "echo") -> String {
        "/v2/\(platform.projectID)/fgs/functions/urn:fss:cn-hangzhou:\(platform.projectID):function:demo:\(function):LATEST/tracing"
    }

    /// Sets (or with empty keys clears) the function's AK/SK through the API.
    func configure(function: String = "echo", accessKey: String, secretKey: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["tracing_ak": accessKey, "tracing_sk": secretKey])
        let answer = try await platform.request(
            .PUT, tracingPath(function: function), headers: [("X-Auth-Token", platform.authToken), ("Content-Type", "application/json")], body: body)
        #expect(answer.status == 200, "\(answer.text)")
    }

    func postOTLP(_ body: Data, user: String?, password: String?) async throws -> RunningPlatform.Answer {
        var headers = [("Content-Type", "application/json")]
        if let user, let password { headers.append(("Authorization", TraceBatches.basic(user, password))) }
        return try await platform.request(.POST, "/v1/traces", headers: headers, body: body)
    }
}

/// Span batches written by hand, as a function's exporter sends them.
enum TraceBatches {
    struct Batch {
        let traceID: String
        let rootSpanID: String
        let body: Data
    }

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    static func randomHex(_ digits: Int) -> String {
        (0..<digits).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined()
    }

    /// OTLP/HTTP JSON: an `Invocation` span (5 ms) and its child `CustomSpan` (2 ms) of `application`.
    static func otlp(application: String, startMicroseconds: Int64 = Int64(Date().timeIntervalSince1970 * 1_000_000)) -> Batch {
        let traceID = randomHex(32), rootID = randomHex(16), childID = randomHex(16)
        let start = startMicroseconds * 1000
        let json = """
            {"resourceSpans": [{
              "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "\(application)"}}]},
              "scopeSpans": [{"scope": {"name": "test"}, "spans": [
                {"traceId": "\(traceID)", "spanId": "\(rootID)", "name": "Invocation", "kind": 2, "flags": 1,
                 "startTimeUnixNano": "\(start)", "endTimeUnixNano": "\(start + 5_000_000)"},
                {"traceId": "\(traceID)", "spanId": "\(childID)", "parentSpanId": "\(rootID)", "name": "CustomSpan",
                 "startTimeUnixNano": "\(start + 1_000_000)", "endTimeUnixNano": "\(start + 3_000_000)",
                 "attributes": [{"key": "custom.attribute", "value": {"stringValue": "x"}}]}
              ]}]
            }]}
            """
        return Batch(traceID: traceID, rootSpanID: rootID, body: Data(json.utf8))
    }

    /// A jaeger.thrift `Batch` in Thrift's binary protocol: process `application`, one root span `ThriftSpan`.
    static func thrift(application: String) -> Batch {
        let high = UInt64.random(in: 1...UInt64.max), low = UInt64.random(in: 1...UInt64.max), spanID = UInt64.random(in: 1...UInt64.max)
        var writer = ThriftWriter()
        writer.field(.structure, 1)  // process
        writer.field(.string, 1)
        writer.string(application)
        writer.stop()
        writer.field(.list, 2)  // spans
        writer.listHeader(.structure, count: 1)
        writer.field(.i64, 1)
        writer.i64(low)
        writer.field(.i64, 2)
        writer.i64(high)
        writer.field(.i64, 3)
        writer.i64(spanID)
        writer.field(.i64, 4)
        writer.i64(0)
        writer.field(.string, 5)
        writer.string("ThriftSpan")
        writer.field(.i32, 7)
        writer.i32(1)
        writer.field(.i64, 8)
        writer.i64(UInt64(Date().timeIntervalSince1970 * 1_000_000))
        writer.field(.i64, 9)
        writer.i64(1500)
        writer.stop()
        writer.stop()
        return Batch(traceID: hex16(high) + hex16(low), rootSpanID: hex16(spanID), body: Data(writer.bytes))
    }

    private static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Thrift's binary protocol, the little of it a batch needs.
    private struct ThriftWriter {
        enum WireType: UInt8 { case i32 = 8, i64 = 10, string = 11, structure = 12, list = 15 }

        var bytes: [UInt8] = []

        mutating func field(_ type: WireType, _ id: UInt16) {
            bytes.append(type.rawValue)
            bigEndian(UInt64(id), size: 2)
        }
        mutating func listHeader(_ type: WireType, count: UInt32) {
            bytes.append(type.rawValue)
            bigEndian(UInt64(count), size: 4)
        }
        mutating func i32(_ value: UInt32) { bigEndian(UInt64(value), size: 4) }
        mutating func i64(_ value: UInt64) { bigEndian(value, size: 8) }
        mutating func string(_ text: String) {
            i32(UInt32(text.utf8.count))
            bytes += Array(text.utf8)
        }
        mutating func stop() { bytes.append(0) }

        private mutating func bigEndian(_ value: UInt64, size: Int) {
            for index in (0..<size).reversed() { bytes.append(UInt8(truncatingIfNeeded: value >> (UInt64(index) * 8))) }
        }
    }
}
