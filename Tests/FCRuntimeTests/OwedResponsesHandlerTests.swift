import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Synchronization
import Testing

@testable import FCRuntime

/// The channel handler that tells the line output which responses are owed: counted at each request head, released
/// just before each final response head passes on towards the socket, and abandoned when the connection closes.
@Suite struct OwedResponsesHandlerTests {
    /// Notes what the handler tells the output, and (through ``PassedWrites``) what passes on towards the socket.
    final class Events: LineOutput, Sendable {
        private let recorded = Mutex<[String]>([])
        var list: [String] { recorded.withLock { $0 } }
        func note(_ event: String) { recorded.withLock { $0.append(event) } }
        func writeLine(_ line: [UInt8]) {}
        func responseOwed() { note("owed") }
        func responseLeaving() { note("leaving") }
        func responsesAbandoned(_ count: Int) { note("abandoned \(count)") }
    }

    /// Sits between the handler and the socket and notes each response part that passes.
    final class PassedWrites: ChannelOutboundHandler {
        typealias OutboundIn = HTTPResponsePart
        let events: Events
        init(_ events: Events) { self.events = events }
        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            switch unwrapOutboundIn(data) {
            case .head(let head): events.note("write head \(head.status.code)")
            case .body: events.note("write body")
            case .end: events.note("write end")
            }
            context.write(data, promise: promise)
        }
    }

    private func channel(_ events: Events) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([PassedWrites(events), OwedResponsesHandler(output: events)])
        return channel
    }

    private let request = HTTPRequestPart.head(HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/invoke"))

    /// Two pipelined requests: each head counts one owed; the interim 100 Continue releases none; each final response
    /// is released before its head passes on; closing afterwards abandons nothing.
    @Test func eachFinalResponseIsReleasedBeforeItsHeadPasses() throws {
        let events = Events()
        let channel = try channel(events)
        try channel.writeInbound(request)
        try channel.writeInbound(HTTPRequestPart.end(nil))
        try channel.writeInbound(request)
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(events.list == ["owed", "owed"])
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .continue)))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .notFound)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(
            events.list == [
                "owed", "owed", "write head 100", "leaving", "write head 200", "write end", "leaving", "write head 404", "write end",
            ])
        _ = try channel.finish()
        #expect(!events.list.contains { $0.hasPrefix("abandoned") })
    }

    /// A connection that closes with requests unanswered abandons exactly those.
    @Test func aClosedConnectionAbandonsItsUnansweredRequests() throws {
        let events = Events()
        let channel = try channel(events)
        try channel.writeInbound(request)
        try channel.writeInbound(request)
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        channel.pipeline.fireChannelInactive()
        #expect(events.list == ["owed", "owed", "leaving", "write head 200", "abandoned 1"])
        _ = try? channel.finish()
        #expect(events.list.filter { $0.hasPrefix("abandoned") } == ["abandoned 1"], "counted once, not again on removal")
    }

    /// A response head with nothing owed (a server-generated error before any request head) releases nothing.
    @Test func aResponseWithNothingOwedReleasesNothing() throws {
        let events = Events()
        let channel = try channel(events)
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .badRequest)))
        #expect(events.list == ["write head 400"])
        _ = try channel.finish()
    }
}
