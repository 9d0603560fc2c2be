import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// FC 2.0's invoke API and HTTP triggers:
/// - `POST /2016-08-15/services/{service}/functions/{function}/invocations` (sync; `x-fc-invocation-type: Async`
///   queues it and answers 202),
/// - `GET  /2016-08-15/services/{service}/functions/{function}/async-invocations/{requestId}` (an async result),
/// - any method on `/2016-08-15/proxy/{service}/{function}/{path…}` (HTTP trigger).
enum InvokeRoutes {
    /// CONTRACT §2 limits.
    static let syncBodyLimit = 32 * 1024 * 1024
    static let asyncBodyLimit = 128 * 1024
    /// FC's log tail is the last 4 KB.
    static let logTailLimit = 4096

    static let proxyMethods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .head, .options]

    static func register(on router: Router<BasicRequestContext>, platform: Platform) {
        let service = InvocationService(platform: platform)
        router.post("/2016-08-15/services/:service/functions/:function/invocations") { request, context in
            try await invoke(request, context: context, platform: platform, service: service)
        }
        router.get("/2016-08-15/services/:service/functions/:function/async-invocations/:requestID") { _, context in
            try await asyncResult(context: context, platform: platform)
        }
        for method in proxyMethods {
            for path in ["/2016-08-15/proxy/:service/:function", "/2016-08-15/proxy/:service/:function/**"] {
                router.on(RouterPath(path), method: method) { request, context in
                    try await proxy(request, context: context, platform: platform, service: service)
                }
            }
        }
    }

    // MARK: Invoke API

    private static func invoke(_ request: Request, context: BasicRequestContext, platform: Platform, service: InvocationService) async throws -> Response {
        let requestID = UUID().uuidString.lowercased()
        let receivedAt = Date(), started = ContinuousClock.now
        let key = try FunctionLookup.key(context, platform: platform, requestID: requestID)
        let invocationType = request.headers[PlatformHeaderName.invocationType]?.lowercased() ?? "sync"
        guard invocationType == "sync" || invocationType == "async" else {
            return await clientError(
                key, requestID: requestID, receivedAt: receivedAt, started: started, platform: platform,
                message: "x-fc-invocation-type must be Sync or Async, got '\(String(invocationType.prefix(40)))'")
        }
        let isAsync = invocationType == "async"
        let limit = isAsync ? asyncBodyLimit : syncBodyLimit
        guard let body = try? await request.body.collect(upTo: limit) else {
            return await clientError(
                key, requestID: requestID, receivedAt: receivedAt, started: started, platform: platform,
                message: "the request body exceeds the \(isAsync ? "128 KB" : "32 MB") limit of \(isAsync ? "asynchronous" : "synchronous") invocations")
        }
        let headers = request.headers[.contentType].map { [("Content-Type", $0)] } ?? []
        if isAsync {
            return try await enqueue(key, requestID: requestID, body: Data(body.readableBytesView), headers: headers, platform: platform)
        }
        let answer = await service.invoke(
            InvocationInput(
                key: key, kind: .event, headers: headers, body: Data(body.readableBytesView), requestID: requestID, trigger: "sync",
                receivedAt: receivedAt, started: started))
        return response(answer, requestID: requestID, wantsLog: wantsLogTail(request))
    }

    private static func enqueue(_ key: FunctionKey, requestID: String, body: Data, headers: [(String, String)], platform: Platform) async throws -> Response {
        let headerObject = Dictionary(headers, uniquingKeysWith: { first, _ in first })
        let headerJSON = String(decoding: (try? JSONSerialization.data(withJSONObject: headerObject, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
        _ = try await platform.store.enqueue(
            AsyncInvocationRecord(
                id: nil, requestID: requestID, service: key.service, function: key.function, payload: body, headers: headerJSON,
                enqueuedAt: Int64(Date().timeIntervalSince1970 * 1000), state: .queued, attempts: 0, status: nil, response: nil,
                errorType: nil, finishedAt: nil))
        platform.asyncQueueSignals[key]?.ring()
        var fields = HTTPFields()
        fields[PlatformHeaderName.requestID] = requestID
        return Response(status: .accepted, headers: fields, body: .init())
    }

    private static func asyncResult(context: BasicRequestContext, platform: Platform) async throws -> Response {
        let key = try FunctionLookup.key(context, platform: platform, requestID: nil)
        let requestID = context.parameters.get("requestID") ?? ""
        guard let record = try await platform.store.asyncInvocation(requestID: requestID), record.service == key.service, record.function == key.function else {
            return JSONResponse.fcError(.notFound, code: "AsyncInvocationNotFound", message: "no async invocation \(String(requestID.prefix(64))) of \(key)")
        }
        var object: [String: Any] = [
            "requestId": record.requestID, "status": record.state.rawValue, "enqueuedAt": record.enqueuedAt, "attempts": record.attempts,
        ]
        if let finishedAt = record.finishedAt { object["finishedAt"] = finishedAt }
        if let status = record.status { object["statusCode"] = status }
        if let errorType = record.errorType { object["errorType"] = errorType }
        if let response = record.response {
            object["response"] = String(data: response, encoding: .utf8) ?? response.base64EncodedString()
        }
        return JSONResponse.make(.ok, object)
    }

    // MARK: HTTP triggers

    private static func proxy(_ request: Request, context: BasicRequestContext, platform: Platform, service: InvocationService) async throws -> Response {
        let requestID = UUID().uuidString.lowercased()
        let receivedAt = Date(), started = ContinuousClock.now
        let key = try FunctionLookup.key(context, platform: platform, requestID: requestID)
        let base = "/2016-08-15/proxy/\(key.service)/\(key.function)"
        let raw = request.head.path ?? "/"
        var rest = raw.hasPrefix(base) ? String(raw.dropFirst(base.count)) : "/"
        if !rest.hasPrefix("/") { rest = "/" + rest }
        guard let body = try? await request.body.collect(upTo: syncBodyLimit) else {
            return await clientError(
                key, requestID: requestID, receivedAt: receivedAt, started: started, platform: platform,
                message: "the request body exceeds the 32 MB limit of synchronous invocations")
        }
        // The caller may not speak for the platform: its own x-fc-* headers never reach the function.
        let headers = request.headers.filter { !$0.name.canonicalName.hasPrefix("x-fc-") && $0.name != .connection && $0.name != .transferEncoding }
            .map { ($0.name.rawName, $0.value) }
        let answer = await service.invoke(
            InvocationInput(
                key: key, kind: .http(method: HTTPMethod(rawValue: request.method.rawValue), pathAndQuery: rest, basePath: base + "/"),
                headers: headers, body: Data(body.readableBytesView), requestID: requestID, trigger: "http", receivedAt: receivedAt,
                started: started))
        return response(answer, requestID: requestID, wantsLog: wantsLogTail(request))
    }

    // MARK: Answers

    private static func wantsLogTail(_ request: Request) -> Bool {
        request.headers[PlatformHeaderName.logType]?.lowercased() == "tail"
    }

    private static func response(_ answer: InvocationAnswer, requestID: String, wantsLog: Bool) -> Response {
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        fields[PlatformHeaderName.requestID] = requestID
        if wantsLog { fields[PlatformHeaderName.logResult] = logTail(answer.logLines) }
        return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// The base64 of the last 4 KB of the invocation's lines (cut at a line start when possible).
    static func logTail(_ lines: [String]) -> String {
        var bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
        if bytes.count > logTailLimit {
            bytes = Array(bytes.suffix(logTailLimit))
            if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")), newline < bytes.count - 1 { bytes = Array(bytes[(newline + 1)...]) }
        }
        return Data(bytes).base64EncodedString()
    }

    /// A request refused before it reached the function: 400 InvalidArgument, recorded as a client error.
    private static func clientError(
        _ key: FunctionKey, requestID: String, receivedAt: Date, started: ContinuousClock.Instant, platform: Platform, message: String
    ) async -> Response {
        let function = platform.function(key)
        let record = InvocationRecord(
            requestID: requestID, region: platform.settings.region, service: key.service, function: key.function, trigger: "sync",
            startedAt: Int64(receivedAt.timeIntervalSince1970 * 1000), latencyMs: (ContinuousClock.now - started).milliseconds, status: 400,
            outcome: .clientError, errorType: "InvalidArgument", durationMs: nil, memoryUsageMB: nil, memoryMB: function?.memoryMB ?? 0,
            isColdStart: false, concurrency: 0, instanceID: nil)
        await platform.keep(record)
        return JSONResponse.fcError(.badRequest, code: "InvalidArgument", message: message, requestID: requestID)
    }
}

/// The function a path names, or FC's 404 for an unknown service or function.
enum FunctionLookup {
    static func key(_ context: BasicRequestContext, platform: Platform, requestID: String?) throws -> FunctionKey {
        let service = context.parameters.get("service") ?? ""
        let function = context.parameters.get("function") ?? ""
        let key = FunctionKey(service: service, function: function)
        guard platform.function(key) == nil else { return key }
        if !platform.functions.contains(where: { $0.service == service }) {
            throw PlatformAPIError(.notFound, code: "ServiceNotFound", message: "service '\(service.prefix(128))' does not exist", requestID: requestID)
        }
        throw PlatformAPIError(.notFound, code: "FunctionNotFound", message: "function '\(function.prefix(128))' does not exist in service '\(service)'", requestID: requestID)
    }
}

/// An FC-style error a route throws; the error middleware answers it as JSON.
struct PlatformAPIError: Error {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let requestID: String?

    init(_ status: HTTPResponse.Status, code: String, message: String, requestID: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
    }
}
