import Logging
import Testing

@testable import FCRuntime

@Suite struct HandlerRegistryTests {
    private func table(_ names: [String], defaultName: String? = nil) -> NamedHandlers<String> {
        var table = NamedHandlers<String>(kind: "event")
        for name in names { table.add(name, "handler-\(name)", isDefault: name == defaultName) }
        return table
    }

    @Test func selectsTheHandlerNamedByTheHeader() throws {
        #expect(try table(["a", "b"]).select("b", policy: .useDefault).handler == "handler-b")
    }

    @Test func matchesTheFunctionPartOfAFileDotFunctionHandlerString() throws {
        #expect(try table(["a", "echo"]).select("index.echo", policy: .fail).handler == "handler-echo")
        #expect(try table(["a", "main.echo"]).select("main.echo", policy: .fail).handler == "handler-main.echo")
    }

    @Test func fallsBackToTheFirstRegisteredHandler() throws {
        #expect(try table(["a", "b"]).select("index.handler", policy: .useDefault).handler == "handler-a")
        #expect(try table(["a", "b"]).select("", policy: .useDefault).handler == "handler-a")
    }

    @Test func fallsBackToTheExplicitDefault() throws {
        #expect(try table(["a", "b", "c"], defaultName: "b").select("zzz", policy: .useDefault).handler == "handler-b")
    }

    @Test func unknownNameWithoutDefaultListsTheRegisteredNames() {
        #expect {
            try table(["a", "b"]).select("zzz", policy: .fail)
        } throws: { error in
            let error = error as? HandlerNotFound
            return error?.registered == ["a", "b"] && error?.description.contains("'zzz'") == true
                && error?.description.contains("registered: a, b") == true
        }
    }

    @Test func anEmptyTableHasNoDefault() {
        #expect(throws: HandlerNotFound.self) { try table([]).select("x", policy: .useDefault) }
    }

    @Test func runtimeRegistrationFillsTheRegistry() {
        var runtime = FunctionRuntime(configuration: .init())
        runtime.event("bytes") { (event: ByteBuffer, _: FCContext) in event }
        runtime.event("text") { (event: String, _: FCContext) in event }
        runtime.event("json", isDefault: true) { (event: [String: Int], _: FCContext) in event }
        runtime.http("web") { _, _ in FCHTTPResponse() }
        runtime.initializer { _ in }
        #expect(runtime.registry.eventHandlerNames == ["bytes", "text", "json"])
        #expect(runtime.registry.httpHandlerNames == ["web"])
        #expect(runtime.registry.hasInitializer)
    }

    @Test func mixedBytesAndTextHandlersPassTheEventThroughUndecoded() async throws {
        var runtime = FunctionRuntime(configuration: .init())
        runtime.event("bytes-to-text") { (event: ByteBuffer, _: FCContext) -> String in "got \(event.readableBytes) bytes" }
        runtime.event("text-to-bytes") { (event: String, _: FCContext) -> ByteBuffer in ByteBuffer(string: event.uppercased()) }
        let context = FCContext(requestID: "r", deadline: .now.advanced(by: .seconds(5)), logger: Logger(label: "t"))
        let notJSON = ByteBuffer(string: "not json")
        let counted = try await runtime.registry.eventHandler(for: "bytes-to-text").handle(notJSON, context: context)
        #expect(String(buffer: counted) == "got 8 bytes")
        let shouted = try await runtime.registry.eventHandler(for: "text-to-bytes").handle(notJSON, context: context)
        #expect(String(buffer: shouted) == "NOT JSON")
    }
}
