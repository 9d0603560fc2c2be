extension FunctionRuntime {
    /// Registers an event handler over raw bytes.
    public mutating func event(
        _ name: String, isDefault: Bool = false,
        _ body: @escaping @Sendable (ByteBuffer, FCContext) async throws -> ByteBuffer
    ) {
        registry.events.add(name, ClosureEventHandler(body: body), isDefault: isDefault)
    }

    /// Registers an event handler over UTF-8 text (invalid UTF-8 is repaired with U+FFFD).
    public mutating func event(
        _ name: String, isDefault: Bool = false,
        _ body: @escaping @Sendable (String, FCContext) async throws -> String
    ) {
        event(name, isDefault: isDefault) { (event: ByteBuffer, context: FCContext) in
            ByteBuffer(string: try await body(String(buffer: event), context))
        }
    }

    /// Registers an event handler that reads raw bytes and answers text (without this overload such a closure
    /// would be taken for a JSON handler and its bytes decoded as JSON).
    public mutating func event(
        _ name: String, isDefault: Bool = false,
        _ body: @escaping @Sendable (ByteBuffer, FCContext) async throws -> String
    ) {
        event(name, isDefault: isDefault) { (event: ByteBuffer, context: FCContext) in
            ByteBuffer(string: try await body(event, context))
        }
    }

    /// Registers an event handler that reads text and answers raw bytes.
    public mutating func event(
        _ name: String, isDefault: Bool = false,
        _ body: @escaping @Sendable (String, FCContext) async throws -> ByteBuffer
    ) {
        event(name, isDefault: isDefault) { (event: ByteBuffer, context: FCContext) in
            try await body(String(buffer: event), context)
        }
    }

    /// Registers an event handler over JSON: the event is decoded into `Input`, the result encoded from `Output`.
    public mutating func event<Input: Decodable, Output: Encodable>(
        _ name: String, isDefault: Bool = false,
        _ body: @escaping @Sendable (Input, FCContext) async throws -> Output
    ) {
        registry.events.add(name, CodableEventHandler(body: body), isDefault: isDefault)
    }

    /// Registers any ``EventHandler``.
    public mutating func event(_ name: String, isDefault: Bool = false, handler: some EventHandler) {
        registry.events.add(name, handler, isDefault: isDefault)
    }

    /// Registers an HTTP-trigger handler.
    public mutating func http(
        _ name: String, isDefault: Bool = false,
        _ body: @escaping @Sendable (FCHTTPRequest, FCContext) async throws -> FCHTTPResponse
    ) {
        registry.https.add(name, ClosureHTTPHandler(body: body), isDefault: isDefault)
    }

    /// Registers any ``HTTPHandler``.
    public mutating func http(_ name: String, isDefault: Bool = false, handler: some HTTPHandler) {
        registry.https.add(name, handler, isDefault: isDefault)
    }

    /// Sets the initializer: run once per process, on `POST /initialize` or before the first invocation.
    public mutating func initializer(_ hook: @escaping LifecycleHook) {
        registry.initializer = hook
    }

    /// Sets the pre-freeze hook (`/pre-freeze`), run before the platform freezes the instance.
    public mutating func preFreeze(_ hook: @escaping LifecycleHook) {
        registry.preFreeze = hook
    }

    /// Sets the pre-stop hook (`/pre-stop`, or on SIGTERM when the platform did not call it).
    public mutating func preStop(_ hook: @escaping LifecycleHook) {
        registry.preStop = hook
    }
}
