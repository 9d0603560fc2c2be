import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends FC-style requests to a function over real HTTP (AsyncHTTPClient, keep-alive pooled).
struct FCClient {
    let port: Int

    struct Reply {
        let status: Int
        let headers: HTTPHeaders
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        var fcStatus: String? { headers.first(name: "x-fc-status") }

        func json() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
        }
    }

    /// The headers FC sends with every invocation (CONTRACT §2).
    static func platformHeaders(requestID: String, handler: String = "", extra: [String: String] = [:]) -> [String: String] {
        var headers = [
            "x-fc-request-id": requestID,
            "x-fc-function-name": "conformance",
            "x-fc-function-handler": handler,
            "x-fc-function-memory": "512",
            "x-fc-function-timeout": "10",
            "x-fc-region": "cn-hangzhou",
            "x-fc-account-id": "1234567890",
            "x-fc-qualifier": "LATEST",
            "x-fc-service-name": "svc",
            "x-fc-control-path": "/invoke",
        ]
        headers.merge(extra) { _, new in new }
        return headers
    }

    func send(
        _ method: HTTPMethod = .POST, path: String = "/invoke", headers: [String: String] = [:], body: Data? = nil,
        timeout: TimeAmount = .seconds(30)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 200 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
    }

    /// An event invocation of `handler`.
    func invoke(_ handler: String, event: String = "", requestID: String = UUID().uuidString, extra: [String: String] = [:]) async throws -> Reply {
        try await send(headers: Self.platformHeaders(requestID: requestID, handler: handler, extra: extra), body: Data(event.utf8))
    }
}
