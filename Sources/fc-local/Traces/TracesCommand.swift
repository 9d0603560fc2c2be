import ArgumentParser
import Foundation

/// `fc-local traces`: prints the newest traces `fc-local start` kept (its platform spans and the functions' spans) as
/// trees, the way `fc-local invoke --trace` does. It reads the state database directly, so it works while `start` runs.
struct TracesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traces",
        abstract: "Print the traces fc-local start kept.",
        discussion: """
            Traces are printed oldest first, the newest last. Tracing is switched on per function with the \
            tracing-configuration API (PUT /v2/{project_id}/fgs/functions/{function_urn}/tracing); see the README.
            """
    )

    @Option(help: "Only traces of this function: a name (in any service) or service/function.")
    var function: String?

    @Option(help: "Only traces of this service's functions.")
    var service: String?

    @Option(help: "How many of the newest traces to print.")
    var last: Int = 5

    @Option(help: "The state directory of fc-local start.")
    var stateDir: String = ".fc-local"

    @Option(help: "Also write the traces as JSON in the shape of Jaeger's /api/traces/{id} to this file.")
    var output: String?

    func validate() throws {
        guard last >= 1 else { throw ValidationError("--last must be at least 1") }
        _ = try filter()
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let style = TerminalStyle(enabled: isatty(1) == 1 && (environment["NO_COLOR"] ?? "").isEmpty)
        do {
            try await printTraces(style: style)
        } catch let error as LocalError {
            FileHandle.standardError.write(Data((TerminalStyle.forStandardError().bad("fc-local: \(error.message)") + "\n").utf8))
            throw ExitCode(error.exitStatus)
        }
    }

    /// What `--function` and `--service` ask for.
    func filter() throws -> PlatformStore.TraceFilter {
        var filter = PlatformStore.TraceFilter(service: service, function: function)
        if let function, function.contains("/") {
            let parts = function.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--function must be a function name or service/function")
            }
            guard service == nil || service == parts[0] else {
                throw ValidationError("--service \(service ?? "") and --function \(function) name different services")
            }
            filter = .init(service: parts[0], function: parts[1])
        }
        guard filter.service?.isEmpty != true, filter.function?.isEmpty != true else {
            throw ValidationError("--service and --function must not be empty")
        }
        return filter
    }

    private func printTraces(style: TerminalStyle) async throws {
        let database = URL(fileURLWithPath: stateDir).appendingPathComponent("fc-local.sqlite").path
        guard FileManager.default.fileExists(atPath: database) else {
            throw LocalError.usage("no fc-local state in \(stateDir) (fc-local start --state-dir \(stateDir) keeps it)")
        }
        let store = try PlatformStore(directory: stateDir)
        let filter = try filter()
        var traces: [[CollectedSpan]] = []
        do {
            // Newest first from the store; printed oldest first so the newest ends up next to the prompt.
            for traceID in try await store.recentTraceIDs(matching: filter, limit: last).reversed() {
                traces.append(try await store.spans(ofTrace: traceID))
            }
        } catch {
            throw LocalError.usage("cannot read the traces in \(store.path): \(StoreFailure.reason(error))")
        }
        if traces.isEmpty {
            let scope = filter.service == nil && filter.function == nil ? "" : " of \(filter.applicationPattern)"
            FileHandle.standardError.write(Data("fc-local: no traces\(scope) kept in \(stateDir)\n".utf8))
        }
        let text = traces.map { TraceReport.tree($0, style: style) }.joined(separator: "\n")
        FileHandle.standardOutput.write(Data(text.utf8))
        if let output {
            do {
                try TraceReport.jaegerJSON(traces).write(to: URL(fileURLWithPath: output))
            } catch {
                throw LocalError.usage("cannot write the traces to \(output): \(error.localizedDescription)")
            }
        }
    }
}
