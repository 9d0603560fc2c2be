import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One HTTP/1.1 POST to a collector over plain TCP, on NIO (already in every function for the server).
///
/// The runtime does not link AsyncHTTPClient for this: measured side by side, linking it (with its TLS stack) cost
/// every function ~3 ms of cold start and ~5.5 MB of idle memory, traced or not. FC's tracing endpoints are `http://`
/// (in-VPC); an `https://` endpoint is refused with a warning (see the README's Tracing section).
enum CollectorConnection {
    /// Where a collector URL points.
    struct Target: Sendable, Equatable {
        let host: String
        let port: Int
        /// Path and query, at least `/`.
        let target: String
        /// The `Host` header value.
        let authority: String
    }

    /// Parses an `http://host[:port]/path` URL (IPv6 hosts in brackets); `nil` for anything else.
    static func target(for url: String) -> Target? {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<slash]
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var host = Substring(authority)
        var port = 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else { return nil }
                port = number
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let number = Int(authority[authority.index(after: colon)...]) else { return nil }
            host = authority[..<colon]
            port = number
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        var path = String(rest[slash...])
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        return Target(host: String(host), port: port, target: path, authority: String(authority))
    }

    /// Sends the request and returns the response status; the whole exchange is bounded by `timeout`.
    static func post(
        _ body: [UInt8], to target: Target, headers: [(String, String)], timeout: Duration
    ) async throws -> Int {
        try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask { try await exchange(body, target: target, headers: headers, connectTimeout: timeout) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let status = try await group.next() ?? nil else { throw TimedOut() }
            return status
        }
    }

    /// The collector did not answer within the timeout.
    struct TimedOut: Error {}

    /// Resolved collector addresses: a collector's name is resolved once, not per request (resolving and NIO's
    /// happy-eyeballs connector per request were ~3% of a traced invocation's CPU).
    private static let resolved = Mutex<[String: SocketAddress]>([:])

    private static func address(of target: Target) async throws -> SocketAddress {
        let key = "\(target.host):\(target.port)"
        if let address = resolved.withLock({ $0[key] }) { return address }
        let address: SocketAddress
        if let literal = try? SocketAddress(ipAddress: target.host, port: target.port) {
            address = literal
        } else {
            // getaddrinfo blocks: run it on NIO's thread pool, never on a Swift concurrency thread.
            address = try await NIOThreadPool.singleton.runIfActive {
                try SocketAddress.makeAddressResolvingHost(target.host, port: target.port)
            }
        }
        resolved.withLock { cache in
            if cache.count > 64 { cache.removeAll() }
            cache[key] = address
        }
        return address
    }


    private static func exchange(_ body: [UInt8], target: Target, headers: [(String, String)], connectTimeout: Duration) async throws -> Int {
        let address = try await address(of: target)
        let channel = try await ClientBootstrap(group: NIOSingletons.posixEventLoopGroup)
            .connectTimeout(.nanoseconds(Int64(connectTimeout.nanoseconds)))
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await withTaskCancellationHandler {
            try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.target)
                head.headers.add(name: "Host", value: target.authority)
                head.headers.add(name: "Content-Length", value: String(body.count))
                head.headers.add(name: "Connection", value: "close")
                for (name, value) in headers { head.headers.add(name: name, value: value) }
                try await outbound.write(.head(head))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                try await outbound.write(.end(nil))
                var status: Int?
                for try await part in inbound {
                    switch part {
                    case .head(let response): status = Int(response.status.code)
                    case .body: continue
                    case .end: return status ?? 0
                    }
                }
                return status ?? 0
            }
        } onCancel: {
            channel.channel.close(promise: nil)
        }
    }
}
