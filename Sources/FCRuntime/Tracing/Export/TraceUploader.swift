#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// POSTs encoded batches to a collector (``CollectorClient``): Jaeger Thrift (`application/x-thrift`) or
/// OTLP/HTTP JSON, HTTP basic auth when an AK/SK is configured, each request bounded by `timeout`.
struct TraceUploader: Sendable {
    /// Why an upload failed, in words that name neither the endpoint nor any credential.
    struct Failure: Error {
        let reason: String
    }

    let wireProtocol: TracingConfiguration.WireProtocol
    /// `Basic base64(AK:SK)`; confidential.
    let authorization: Secret?
    let timeout: Duration
    /// Sends the requests over kept-alive connections.
    let client = CollectorClient()
    /// The parsed target of the last endpoint uploaded to.
    private let targets: LastEndpointMemo<CollectorConnection.Target?>

    init(configuration: TracingConfiguration) {
        let wireProtocol = configuration.wireProtocol
        self.wireProtocol = wireProtocol
        self.targets = LastEndpointMemo { Self.target(for: $0, wireProtocol: wireProtocol) }
        self.timeout = configuration.exportTimeout
        if let accessKey = configuration.accessKey, let secretKey = configuration.secretKey {
            let credentials = Data("\(accessKey):\(secretKey.value)".utf8).base64EncodedString()
            self.authorization = Secret("Basic \(credentials)")
        } else {
            self.authorization = nil
        }
    }

    /// Sends `spans` to `destination` with `process` as their process.
    func upload(_ spans: [FinishedSpan], process: TraceProcess, to destination: TraceDestination) async throws(Failure) {
        guard let target = targets.answer(for: destination.endpoint.value) else {
            throw Failure(reason: "the collector endpoint is not an http:// URL")
        }
        var headers: [(String, String)] = []
        let body: [UInt8]
        switch wireProtocol {
        case .jaegerThrift:
            headers.append(("Content-Type", "application/x-thrift"))
            body = JaegerThriftEncoder.encode(process: process, spans: spans)
        case .otlpJSON:
            headers.append(("Content-Type", "application/json"))
            body = OTLPJSONEncoder.encode(process: process, spans: spans)
        }
        if let authorization { headers.append(("Authorization", authorization.value)) }
        let status: Int
        do {
            status = try await client.post(body, to: target, headers: headers, timeout: timeout)
        } catch is CollectorClient.TimedOut {
            throw Failure(reason: "the collector did not answer within \(timeout)")
        } catch is ResponseStatusHandler.ConnectionLost {
            throw Failure(reason: "the collector closed the connection without an answer")
        } catch {
            // Connection errors can spell out host and port; report only the kind of error.
            throw Failure(reason: "could not reach the collector (\(type(of: error)))")
        }
        guard (200..<300).contains(status) else {
            throw Failure(reason: "the collector answered HTTP \(status)")
        }
    }

    /// Where requests to `endpoint` go: host, port and target of ``url(for:wireProtocol:)``.
    static func target(for endpoint: String, wireProtocol: TracingConfiguration.WireProtocol) -> CollectorConnection.Target? {
        url(for: endpoint, wireProtocol: wireProtocol).flatMap(CollectorConnection.target(for:))
    }

    /// The URL to POST to: the endpoint as configured; for OTLP, a Jaeger `…/api/traces` endpoint becomes `…/v1/traces`.
    /// `nil` unless the endpoint is a usable `http://` URL.
    static func url(for endpoint: String, wireProtocol: TracingConfiguration.WireProtocol) -> String? {
        guard !containsWhitespace(endpoint), CollectorConnection.target(for: endpoint) != nil else { return nil }
        if wireProtocol == .otlpJSON, endpoint.hasSuffix("/api/traces") {
            return String(endpoint.dropLast("/api/traces".count)) + "/v1/traces"
        }
        return endpoint
    }

    /// Whether `text` holds a whitespace character. ASCII text (every usable URL) is checked byte by byte, which is
    /// the same test for ASCII; other text by `Character` (Unicode spaces such as U+00A0 count too).
    private static func containsWhitespace(_ text: String) -> Bool {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return text.utf8.contains { $0 == UInt8(ascii: " ") || (0x09...0x0D).contains($0) }
        }
        return text.contains(where: \.isWhitespace)
    }
}
