import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Collector addresses and connections: parses collector URLs, resolves names once, opens HTTP/1.1 connections on NIO
/// (already in every function for the server). ``CollectorClient`` sends the requests and keeps connections alive.
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

    /// Opens a TCP connection to `target` with an HTTP/1.1 client pipeline ending in a ``ResponseStatusHandler``.
    static func open(to target: Target, connectTimeout: Duration) async throws -> any Channel {
        let address = try await address(of: target)
        return try await ClientBootstrap(group: NIOSingletons.posixEventLoopGroup)
            .connectTimeout(.nanoseconds(Int64(connectTimeout.nanoseconds)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseStatusHandler())
                }
            }
            .connect(to: address)
            .get()
    }
}
