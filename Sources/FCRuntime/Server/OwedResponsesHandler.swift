import NIOCore
import NIOHTTPTypes

/// Tells the line output which responses the platform is waiting for: a request is owed a response from the moment
/// its head is decoded until its response head is about to be written, or its connection closes without one.
///
/// FC freezes an instance only when no response is owed, so while some are, the output may hold lines back and write
/// them in fewer, larger writes; before the last owed response leaves, it writes them (see ``LineOutput``).
final class OwedResponsesHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let output: any LineOutput
    /// This connection's requests counted as owed and not yet answered.
    private var owedHere = 0

    init(output: any LineOutput) {
        self.output = output
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            owedHere += 1
            output.responseOwed()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // An informational head (100 Continue) is not the answer.
        if case .head(let head) = unwrapOutboundIn(data), head.status.kind != .informational, owedHere > 0 {
            owedHere -= 1
            output.responseLeaving()
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        abandonOwedResponses()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        abandonOwedResponses()
    }

    private func abandonOwedResponses() {
        guard owedHere > 0 else { return }
        output.responsesAbandoned(owedHere)
        owedHere = 0
    }
}
