import Foundation
import ProcessTestSupport
import Testing

/// The code-directory layout FC runs: `bootstrap` next to the function binary.
@Suite struct PackagingTests {
    @Test func bootstrapStartsTheFunctionBinaryNextToIt() async throws {
        let codeDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("fc-code-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: codeDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: codeDirectory) }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.copyItem(at: repository.appendingPathComponent("bootstrap"), to: codeDirectory.appendingPathComponent("bootstrap"))
        try FileManager.default.copyItem(
            at: FunctionProcess.productsDirectory.appendingPathComponent("hello"), to: codeDirectory.appendingPathComponent("function"))

        let function = try await FunctionProcess(executable: codeDirectory.appendingPathComponent("bootstrap"))
        defer { function.kill() }
        let reply = try await FCClient(port: function.port).invoke("hello", event: "bootstrap")
        #expect(reply.status == 200)
        #expect(reply.text == "Hello, bootstrap!")
        // exec: SIGTERM reaches the Swift process itself, which shuts down cleanly.
        function.signal(SIGTERM)
        #expect(try await function.waitForExit() == 0)
    }
}
