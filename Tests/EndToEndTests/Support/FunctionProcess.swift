import Foundation
import ProcessTestSupport

/// A function binary of this package running as its own process, the way FC runs `bootstrap`: started with a
/// platform environment on a free port, its stdout and stderr collected line by line.
final class FunctionProcess: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case notReady(output: String)
        case binaryMissing(String)
        var description: String {
            switch self {
            case .notReady(let output): "the function did not become ready; output:\n\(output)"
            case .binaryMissing(let path): "no binary at \(path); build the package first (swift build)"
            }
        }
    }

    private let process: Process
    private let stdout = PipeOutput()
    private let stderr = PipeOutput()
    /// The port the function listens on (read from its `listening on` line).
    let port: Int

    /// The directory holding the package's built products (next to this test bundle).
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Starts `product` with FC's environment plus `environment`, and waits for its ready line.
    /// `executable` overrides the product's binary (for example a code directory's `bootstrap`).
    init(
        product: String = "conformance-function", executable: URL? = nil, environment: [String: String] = [:], waitForReady: Bool = true
    ) async throws {
        let binary = executable ?? Self.productsDirectory.appendingPathComponent(product)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw Failure.binaryMissing(binary.path) }
        let process = Process()
        process.executableURL = binary
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FC_") && !$0.key.hasPrefix("SWIFT_FC_") }
        env["FC_SERVER_PORT"] = "0"
        env["FC_FUNCTION_NAME"] = "conformance"
        env.merge(environment) { _, new in new }
        process.environment = env
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        self.process = process
        let stdout = self.stdout
        stdout.collect(from: outPipe)
        stderr.collect(from: errPipe)
        try process.run()
        guard waitForReady else {
            port = 0
            return
        }
        var found: Int?
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while found == nil, ContinuousClock.now < deadline, process.isRunning {
            let lines = stdout.text.split(separator: "\n")
            if lines.contains("FunctionCompute swift runtime inited."),
               let match = lines.lazy.compactMap({ $0.firstMatch(of: /listening on 0\.0\.0\.0:(\d+)/) }).first,
               let port = Int(match.output.1)
            {
                found = port
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        guard let found else {
            if process.isRunning { process.terminate() }
            throw Failure.notReady(output: stdout.text)
        }
        port = found
    }

    /// Everything written to stdout so far, as lines.
    var stdoutLines: [String] {
        stdout.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Everything written to stderr so far.
    var stderrText: String { stderr.text }

    /// Everything written to stdout so far, as the bytes the process wrote (to check they are valid UTF-8).
    var stdoutBytes: [UInt8] { stdout.bytes }

    /// The process id (for reading `/proc/<pid>/…`).
    var processID: Int32 { process.processIdentifier }

    /// Waits (up to `timeout`) until some stdout line satisfies `predicate`.
    @discardableResult
    func waitForLine(timeout: Duration = .seconds(10), where predicate: (String) -> Bool) async throws -> String? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let line = stdoutLines.first(where: predicate) { return line }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Sends SIGTERM (or another signal).
    func signal(_ signal: Int32 = SIGTERM) {
        Foundation.kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit and returns its status, killing it after `timeout`.
    func waitForExit(timeout: Duration = .seconds(40)) async throws -> Int32 {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        if process.isRunning { kill() }
        // What the process wrote last may still be on its way to the pipe handlers.
        await stdout.waitUntilComplete()
        await stderr.waitUntilComplete()
        return process.terminationStatus
    }

    /// Stops the process (SIGTERM, then SIGKILL) when a test is done with it.
    func stop() async {
        if process.isRunning { signal() }
        _ = try? await waitForExit(timeout: .seconds(10))
    }

    var isRunning: Bool { process.isRunning }

    /// Kills the process at once (SIGKILL) and reaps it; for tests that are done with it.
    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitForExit()
        }
    }

    deinit { kill() }
}
