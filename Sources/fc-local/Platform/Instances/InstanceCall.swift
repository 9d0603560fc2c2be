import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP call from the platform to an instance on loopback, bounded by a deadline the instance cannot stretch.
enum InstanceCall {
    /// How a call ended.
    enum Reply: Sendable, CustomStringConvertible {
        case answered(status: Int, headers: [(String, String)], body: Data)
        /// No answer before the deadline.
        case timedOut
        /// The connection failed or broke (the instance is gone or not listening).
        case unreachable(String)

        var description: String {
            switch self {
            case .answered(let status, _, _): "HTTP \(status)"
            case .timedOut: "no answer in time"
            case .unreachable(let reason): "unreachable (\(reason))"
            }
        }
    }

    /// The platform's client: up to 256 connections per instance (the shared client's 8 would queue the calls of an
    /// instance with a higher `instanceConcurrency`, and the queueing would count against their timeouts).
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)))

    /// Sends the call; never throws, never waits past `timeout`.
    static func send(
        to port: Int, method: HTTPMethod, path: String, headers: [(String, String)], body: Data, timeout: Duration
    ) async -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if !body.isEmpty || method == .POST || method == .PUT || method == .PATCH { request.body = .bytes(ByteBuffer(bytes: body)) }
        let limit = TimeAmount.milliseconds(Int64(timeout.milliseconds))
        let prepared = request
        do {
            return try await withThrowingTaskGroup(of: Reply.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, deadline: .now() + limit)
                    let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
                    return .answered(
                        status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Data(bytes.readableBytesView))
                }
                // A structured race on top of the client's deadline: the platform must never wait longer.
                group.addTask {
                    try await Task.sleep(for: timeout + .milliseconds(500))
                    return .timedOut
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .timedOut
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .timedOut
        } catch {
            return .unreachable("\(error)")
        }
    }
}
