import Foundation
import ProcessTestSupport

/// Runs the real `fc-local` binary (built next to this test bundle) and collects what it printed.
struct FCLocalRun {
    let status: Int32
    let stdout: String
    let stderr: String

    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Runs `fc-local <arguments>` to completion (killing it after `limit`).
    static func run(_ arguments: [String], stdin: String? = nil, limit: Duration = .seconds(60)) async throws -> FCLocalRun {
        let process = try start(arguments, stdin: stdin)
        let deadline = ContinuousClock.now.advanced(by: limit)
        while process.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.process.isRunning { kill(process.process.processIdentifier, SIGKILL) }
        guard process.process.waitForExit() else { throw ProcessDidNotExit(pid: process.process.processIdentifier) }
        // The pipes' last bytes may still be on their way to the handlers: read the output once both have ended.
        await process.stdout.waitUntilComplete()
        await process.stderr.waitUntilComplete()
        return FCLocalRun(status: process.process.terminationStatus, stdout: process.stdout.text, stderr: process.stderr.text)
    }

    /// A running fc-local whose output keeps being collected.
    struct Running {
        let process: Process
        let stdout: PipeOutput
        let stderr: PipeOutput
    }

    static func start(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("fc-local")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FC_") }.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let stdout = PipeOutput(), stderr = PipeOutput()
        stdout.collect(from: out)
        stderr.collect(from: err)
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        return Running(process: process, stdout: stdout, stderr: stderr)
    }

    /// Whether any process's command line contains `marker`.
    static func processExists(matching marker: String) -> Bool {
        let ownPID = String(ProcessInfo.processInfo.processIdentifier)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) && $0 != ownPID }.contains { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(marker)
        }
    }
}
