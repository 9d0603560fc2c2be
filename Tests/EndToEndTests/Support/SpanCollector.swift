import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ProcessTestSupport

/// The independent trace collector (`Tests/Tools/span_collector.py`: Jaeger Thrift decoded by thriftpy2 with
/// Jaeger's IDL, OTLP JSON parsed by the OpenTelemetry protobuf definitions) run as a child process.
final class SpanCollector: @unchecked Sendable {
    enum Failure: Error, CustomStringConvertible {
        case notReady(String)
        case badReply(String)

        var description: String {
            switch self {
            case .notReady(let output): "the span collector did not start (python3 with thriftpy2 and opentelemetry-proto is needed); output:\n\(output)"
            case .badReply(let text): "unexpected reply from the span collector: \(text)"
            }
        }
    }

    /// What the collector received.
    struct Received {
        let requests: Int
        let rejected: Int
        let errors: [String]
        let batches: [[String: Any]]

        /// Spans of all Jaeger batches, in arrival order.
        var jaegerSpans: [[String: Any]] {
            batches.filter { $0["protocol"] as? String == "jaeger" }.flatMap { $0["spans"] as? [[String: Any]] ?? [] }
        }

        /// Spans of all OTLP requests, in arrival order.
        var otlpSpans: [[String: Any]] {
            batches.compactMap { $0["request"] as? [String: Any] }
                .flatMap { $0["resourceSpans"] as? [[String: Any]] ?? [] }
                .flatMap { $0["scopeSpans"] as? [[String: Any]] ?? [] }
                .flatMap { $0["spans"] as? [[String: Any]] ?? [] }
        }
    }

    private let process = Process()
    private let output = Pipe()
    /// Held open for the collector's lifetime: when this process dies, the collector sees EOF and exits.
    private let input = Pipe()
    let port: Int

    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tools/span_collector.py")
    }

    /// Starts the collector and waits (without blocking a thread: the test process's concurrency pool has only a
    /// couple of threads, and Python takes a while to start on a loaded machine) for its ready line.
    init(arguments: [String] = []) async throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, "--port", "0", "--exit-with-stdin"] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        let collected = PipeOutput()
        collected.collect(from: output)
        try process.run()
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        var found: Int?
        while found == nil, ContinuousClock.now < deadline {
            if let match = collected.text.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/) {
                found = Int(match.output.1)
            } else if !process.isRunning {
                break
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw Failure.notReady(collected.text)
        }
        port = found
    }

    deinit { stop() }

    /// The Jaeger endpoint as FC passes it in `x-fc-tracing-jaeger-endpoint`.
    var jaegerEndpoint: String { "http://127.0.0.1:\(port)/api/traces" }

    /// Kills the collector (SIGKILL: nothing of its state is needed afterwards) and reaps it.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitForExit()
        }
    }

    /// Everything received so far.
    func received() async throws -> Received {
        let (data, _) = try await request(.GET, "/batches")
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure.badReply(String(decoding: data, as: UTF8.self))
        }
        return Received(
            requests: object["requests"] as? Int ?? -1, rejected: object["rejected"] as? Int ?? -1,
            errors: object["errors"] as? [String] ?? [], batches: object["batches"] as? [[String: Any]] ?? [])
    }

    /// Polls until `condition` holds for what was received (at most `timeout`), then returns it.
    func waitUntil(timeout: Duration = .seconds(10), _ condition: (Received) -> Bool) async throws -> Received {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let received = try await received()
            if condition(received) || ContinuousClock.now >= deadline { return received }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Changes how later trace POSTs are answered (`{"status": N}` or `{"hang": true}`).
    func control(_ json: String) async throws {
        _ = try await request(.POST, "/control", body: Data(json.utf8))
    }

    private func request(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws -> (Data, Int) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return (Data(buffer.readableBytesView), Int(response.status.code))
    }
}
