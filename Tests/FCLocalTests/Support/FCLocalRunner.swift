import Foundation
import ProcessTestSupport
import Synchronization

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
        // The pipes' last bytes may still be on their way to the handlers: read the output once both reached its end.
        let drained = ContinuousClock.now.advanced(by: .seconds(10))
        while !(process.stdout.isComplete && process.stderr.isComplete), ContinuousClock.now < drained {
            try await Task.sleep(for: .milliseconds(5))
        }
        return FCLocalRun(status: process.process.terminationStatus, stdout: process.stdout.text, stderr: process.stderr.text)
    }

    /// A running fc-local whose output keeps being collected.
    struct Running {
        let process: Process
        let stdout: Collected
        let stderr: Collected
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
        let stdout = Collected(), stderr = Collected()
        out.fileHandleForReading.readabilityHandler = { stdout.collect(from: $0) }
        err.fileHandleForReading.readabilityHandler = { stderr.collect(from: $0) }
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

/// Bytes collected from a pipe on its handler thread, until its end.
final class Collected: Sendable {
    private struct State {
        var data = Data()
        var isComplete = false
    }
    private let state = Mutex(State())

    /// Takes what `handle` has; at its end (an empty read), marks the output complete and stops the handler.
    func collect(from handle: FileHandle) {
        let chunk = handle.availableData
        if chunk.isEmpty { handle.readabilityHandler = nil }
        state.withLock { state in
            if chunk.isEmpty { state.isComplete = true } else { state.data.append(chunk) }
        }
    }

    /// Whether the writing end was closed and everything before it collected.
    var isComplete: Bool { state.withLock { $0.isComplete } }
    /// What was collected so far, as UTF-8 text.
    var text: String { state.withLock { String(decoding: $0.data, as: UTF8.self) } }
}
