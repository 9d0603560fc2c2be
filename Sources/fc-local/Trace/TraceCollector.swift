import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// fc-local's in-process collector on loopback, the endpoint it hands the function as the platform does:
/// `POST /api/traces` (Jaeger Thrift, `application/x-thrift`) and `POST /v1/traces` (OTLP/HTTP JSON).
final class TraceCollector: Sendable {
    private let spans = Mutex<[CollectedSpan]>([])
    private let rejected = Mutex<[String]>([])
    private let serverTask = Mutex<Task<Void, Never>?>(nil)
    let port: Int

    /// The Jaeger endpoint the function gets in `x-fc-tracing-jaeger-endpoint`.
    var jaegerEndpoint: String { "http://127.0.0.1:\(port)/api/traces" }

    private init(port: Int) { self.port = port }

    /// Starts the collector on a free loopback port.
    static func start() async throws -> TraceCollector {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let box = Mutex<TraceCollector?>(nil)
        var logger = Logger(label: "fc-local.collector")
        logger.logLevel = .critical
        let server = Server(
            childChannelSetup: HTTP1Channel(responder: { request, writer, _ in
                let body = try await request.body.collect(upTo: 64 * 1024 * 1024)
                let status = box.withLock { $0 }?.accept(request.head, body: body) ?? .serviceUnavailable
                try await writer.write(response: .init(status: status), body: ResponseBody())
            }),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            eventLoopGroup: NIOSingletons.posixEventLoopGroup,
            logger: logger)
        let task = Task<Void, Never> {
            try? await server.run()
            portContinuation.finish()  // a server that failed before running must not leave start() waiting
        }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw LocalError.startup("could not start the trace collector on loopback")
        }
        let collector = TraceCollector(port: port)
        box.withLock { $0 = collector }
        collector.serverTask.withLock { $0 = task }
        return collector
    }

    /// Every span received for `traceID`.
    func spans(ofTrace traceID: String) -> [CollectedSpan] {
        spans.withLock { $0.filter { $0.traceID == traceID } }
    }

    /// Why bodies were refused, for the summary.
    var rejections: [String] { rejected.withLock { $0 } }

    func stop() {
        serverTask.withLock { $0?.cancel() }
    }

    private func accept(_ head: HTTPRequest, body: ByteBuffer) -> HTTPResponse.Status {
        guard head.method == .post else { return .methodNotAllowed }
        let contentType = head.headerFields[.contentType]?.lowercased() ?? ""
        let bytes = Array(body.readableBytesView)
        do {
            let decoded: [CollectedSpan]
            switch head.path?.split(separator: "?").first {
            case "/api/traces":
                guard contentType.hasPrefix("application/x-thrift") else { return .unsupportedMediaType }
                decoded = try JaegerBatchDecoder.decode(bytes)
            case "/v1/traces":
                guard contentType.hasPrefix("application/json") else { return .unsupportedMediaType }
                decoded = try OTLPRequestDecoder.decode(Data(bytes))
            default:
                return .notFound
            }
            spans.withLock { $0 += decoded }
            return .accepted
        } catch {
            rejected.withLock { $0.append("\(head.path ?? ""): \(error)") }
            return .badRequest
        }
    }
}
