import NIOCore
import NIOHTTP1

/// The last handler of a collector connection: completes the request in flight with the response's status once the
/// whole response has arrived, and fails it when the connection closes or errs first. Lives on the channel's event
/// loop; one request at a time.
final class ResponseStatusHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// A complete response.
    struct Answer: Sendable {
        let status: Int
        /// Whether the collector lets the connection carry another request.
        let keepAlive: Bool
    }

    /// The connection ended, or failed, before the response was complete.
    struct ConnectionLost: Error {
        /// Whether any of the response had arrived: only a request that got no answer at all may be sent again.
        let answerBegan: Bool
    }

    private var pending: EventLoopPromise<Answer>?
    private var head: HTTPResponseHead?

    /// Expects the response to the request about to be written.
    func expect(_ promise: EventLoopPromise<Answer>) {
        pending = promise
        head = nil
    }

    /// Fails the request in flight, if any.
    func fail(_ error: any Error) {
        let promise = pending
        pending = nil
        promise?.fail(error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
        case .body:
            break
        case .end:
            guard let head else { return }
            let promise = pending
            pending = nil
            promise?.succeed(Answer(status: Int(head.status.code), keepAlive: head.isKeepAlive))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ConnectionLost(answerBegan: head != nil))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(ConnectionLost(answerBegan: head != nil))
        context.close(promise: nil)
    }
}
