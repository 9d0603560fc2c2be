import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix

/// The HTTP/1.1 server FC talks to: HummingbirdCore's server and HTTP/1 channel with one responder that routes
/// each request and hands it to the ``InvocationEngine``. (HummingbirdCore alone, without the `Hummingbird`
/// router, keeps full Foundation out of the binary; see the README's architecture notes.)
enum FCHTTPServer {
    static func make(
        engine: InvocationEngine,
        onReady: @escaping @Sendable (_ port: Int) async -> Void
    ) -> Server<HTTP1Channel> {
        let configuration = engine.configuration
        let channel = HTTP1Channel(
            responder: { request, responseWriter, channel in
                let response = await respond(to: request, engine: engine)
                let framed = Response(status: response.status, headers: response.headers, body: .init(byteBuffer: response.body))
                try await responseWriter.write(response: framed.head, body: framed.body)
                // A body too slow to arrive (a 408 of the runtime's, not a function's, which carries x-fc-status):
                // its sender may trickle forever, so stop reading.
                if response.status == .requestTimeout, response.headers[FCHeaderName.status] == nil { channel.close(promise: nil) }
            },
            configuration: .init(
                additionalChannelHandlers: [OwedResponsesHandler(output: engine.output)],
                idleTimeout: .nanoseconds(Int64(configuration.idleConnectionTimeout.nanoseconds)))
        )
        return Server(
            childChannelSetup: channel,
            configuration: .init(address: .hostname("0.0.0.0", port: configuration.port), reuseAddress: true),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? configuration.port) },
            eventLoopGroup: NIOSingletons.posixEventLoopGroup,
            logger: serverLogger(engine.runtimeLogger)
        )
    }

    /// The runtime's logger, limited to notices and worse: the server's own start-up chatter would duplicate ours.
    private static func serverLogger(_ logger: Logger) -> Logger {
        var logger = logger
        logger.logLevel = max(logger.logLevel, .notice)
        return logger
    }

    /// Routes and answers one request.
    static func respond(to request: Request, engine: InvocationEngine) async -> RuntimeResponse {
        // One pass over the fields serves routing, body collection and the context.
        let headers = PlatformHeaders(request.headers)
        let route: Route
        switch Route.resolve(method: request.method, target: request.head.path ?? "/", controlPath: headers[.controlPath]) {
        case .success(let resolved): route = resolved
        case .failure(let rejection): return rejection.response
        }
        let body: ByteBuffer
        do {
            body = try await BodyCollector.collect(
                request, declaredLength: headers.contentLength, limit: engine.configuration.maxBodyBytes, timeout: engine.configuration.idleConnectionTimeout)
        } catch is BodyCollector.TooLarge {
            return BodyCollector.tooLargeResponse(limit: engine.configuration.maxBodyBytes)
        } catch is BodyCollector.TooSlow {
            return BodyCollector.tooSlowResponse(timeout: engine.configuration.idleConnectionTimeout)
        } catch {
            return .rejection(.badRequest, ErrorBody(errorType: "InvalidRequestBody", errorMessage: "the request body could not be read"))
        }
        return await engine.respond(to: route, request: request.head, headers: headers, body: body)
    }
}
