import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One request to send: an event invocation or an HTTP-trigger invocation.
struct InvocationRequest: Sendable {
    let method: String
    let path: String
    let headers: [(String, String)]
    let body: Data
    let isHTTP: Bool
}

/// What one invocation answered, as fc-local saw it.
struct InvocationResult: Sendable {
    let requestID: String
    let status: Int
    let reason: String
    let headers: [(String, String)]
    let body: Data
    /// Request sent → response received, on fc-local's clock.
    let latency: Duration
    /// When the request was sent, in microseconds since the epoch.
    let startedAtMicroseconds: Int64
    /// The platform trace the invocation was sent with (`--trace`).
    let trace: PlatformTrace?

    var fcStatus: String? { headers.first { $0.0.lowercased() == "x-fc-status" }?.1 }
    var isFunctionError: Bool { fcStatus == "404" }

    /// The response as `curl -i` prints it.
    var curlStyle: Data {
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        return Data((head + "\r\n").utf8) + body
    }
}

/// Sends invocations to the function's port with the headers FC sends, enforcing the timeout plus a grace period
/// even when the function itself does not.
struct Invoker: Sendable {
    let port: Int
    let platform: PlatformOptions
    /// With `--trace`: the collector whose endpoint traced requests carry.
    var collector: TraceCollector?
    /// The trace of the first (cold) invocation, shared with `/initialize` so that the initializer joins it.
    let firstTrace: PlatformTrace?

    init(port: Int, platform: PlatformOptions, collector: TraceCollector? = nil, firstTrace: PlatformTrace? = nil) {
        self.port = port
        self.platform = platform
        self.collector = collector
        self.firstTrace = firstTrace
    }

    static let grace: Duration = .seconds(3)

    func initialize() async throws -> InvocationResult {
        try await send(
            InvocationRequest(method: "POST", path: "/initialize", headers: [], body: Data(), isHTTP: false),
            requestID: UUID().uuidString.lowercased(), controlPath: "/initialize", trace: firstTrace)
    }

    /// Sends `request` `times` times, `concurrency` at a time; the first one alone (it is the cold start).
    func run(_ request: InvocationRequest, times: Int, concurrency: Int) async throws -> [InvocationResult] {
        let controlPath = request.isHTTP ? "/http-invoke" : "/invoke"
        var results = [try await send(request, requestID: UUID().uuidString.lowercased(), controlPath: controlPath, trace: firstTrace)]
        var remaining = times - 1
        while remaining > 0 {
            let batch = min(concurrency, remaining)
            remaining -= batch
            let batchResults = try await withThrowingTaskGroup(of: InvocationResult.self) { group in
                for _ in 0..<batch {
                    group.addTask {
                        try await send(
                            request, requestID: UUID().uuidString.lowercased(), controlPath: controlPath,
                            trace: collector == nil ? nil : PlatformTrace())
                    }
                }
                return try await group.reduce(into: [InvocationResult]()) { $0.append($1) }
            }
            results += batchResults
        }
        return results
    }

    private func makeRequest(_ request: InvocationRequest, requestID: String, controlPath: String, trace: PlatformTrace?) -> HTTPClientRequest {
        var http = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(request.path)")
        http.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        for (name, value) in platform.headers(requestID: requestID, controlPath: controlPath) { http.headers.replaceOrAdd(name: name, value: value) }
        if let trace, let collector {
            for (name, value) in trace.headers(endpoint: collector.jaegerEndpoint) { http.headers.replaceOrAdd(name: name, value: value) }
        }
        http.body = .bytes(ByteBuffer(bytes: request.body))
        return http
    }

    private func send(
        _ request: InvocationRequest, requestID: String, controlPath: String, trace: PlatformTrace?
    ) async throws -> InvocationResult {
        let http = makeRequest(request, requestID: requestID, controlPath: controlPath, trace: trace)
        let startedAtMicroseconds = PlatformTrace.nowMicroseconds
        let limit = Duration.milliseconds(Int64(platform.timeout * 1000)) + Self.grace
        let started = ContinuousClock.now
        let noAnswer = LocalError(
            kind: .functionError, message: "request \(requestID) got no answer within the \(platform.timeout) s timeout plus \(Self.grace) grace")
        do {
            // The client's deadline, and a structured race on top of it: fc-local must never wait longer.
            return try await withThrowingTaskGroup(of: InvocationResult.self) { group in
                group.addTask {
                    let response = try await HTTPClient.shared.execute(http, deadline: .now() + .milliseconds(Int64(limit.milliseconds)))
                    let body = try await response.body.collect(upTo: 128 * 1024 * 1024)
                    return InvocationResult(
                        requestID: requestID, status: Int(response.status.code), reason: response.status.reasonPhrase,
                        headers: response.headers.map { ($0.name, $0.value) }, body: Data(body.readableBytesView), latency: .now - started,
                        startedAtMicroseconds: startedAtMicroseconds, trace: trace)
                }
                group.addTask {
                    try await Task.sleep(for: limit + .milliseconds(500))
                    throw noAnswer
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .cancelled {
            throw noAnswer
        } catch let error as HTTPClientError {
            throw LocalError(kind: .functionError, message: "request \(requestID) failed: \(error) (did the function crash?)")
        }
    }
}
