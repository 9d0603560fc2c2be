/// A handler for event invocations (`POST /invoke`): raw event bytes in, response bytes out.
///
/// Closures over bytes, `String` and `Codable` types are adapted to this protocol by
/// ``FunctionRuntime/event(_:isDefault:_:)-(_,_,(ByteBuffer,FCContext)->ByteBuffer)`` and its overloads.
public protocol EventHandler: Sendable {
    /// Handles one event; a thrown error becomes a function error (HTTP 404, `x-fc-status: 404`).
    func handle(_ event: ByteBuffer, context: FCContext) async throws -> ByteBuffer
}

/// A handler for HTTP-trigger invocations (`x-fc-control-path: /http-invoke`).
public protocol HTTPHandler: Sendable {
    /// Handles one HTTP request; the response's status and headers reach the caller unchanged.
    func handle(_ request: FCHTTPRequest, context: FCContext) async throws -> FCHTTPResponse
}

/// An event handler made from a closure over bytes.
struct ClosureEventHandler: EventHandler {
    let body: @Sendable (ByteBuffer, FCContext) async throws -> ByteBuffer

    func handle(_ event: ByteBuffer, context: FCContext) async throws -> ByteBuffer {
        try await body(event, context)
    }
}

/// An HTTP handler made from a closure.
struct ClosureHTTPHandler: HTTPHandler {
    let body: @Sendable (FCHTTPRequest, FCContext) async throws -> FCHTTPResponse

    func handle(_ request: FCHTTPRequest, context: FCContext) async throws -> FCHTTPResponse {
        try await body(request, context)
    }
}

/// A lifecycle hook (initializer, pre-freeze, pre-stop).
public typealias LifecycleHook = @Sendable (FCContext) async throws -> Void
