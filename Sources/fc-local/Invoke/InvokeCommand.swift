import ArgumentParser
import Foundation

/// `fc-local invoke`: start a function the way FC does, invoke it once (or N times), print the answer on stdout and
/// the function's log lines plus an FC-console-like summary on stderr, and stop it gracefully.
struct InvokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoke",
        abstract: "Start a function and invoke it the way Function Compute does.",
        discussion: """
            With no options it builds and invokes the bundled `hello` example. Exit status: 0 success, 1 function \
            error (x-fc-status: 404, or no answer within the timeout), 2 usage or start-up error.
            """
    )

    @OptionGroup(title: "Function") var function: FunctionOptions
    @OptionGroup(title: "Event invocation") var event: EventOptions
    @OptionGroup(title: "HTTP-trigger invocation") var http: HTTPOptions
    @OptionGroup(title: "Platform") var platform: PlatformOptions

    @Option(help: "Invoke this many times on one instance (the first is the cold start).")
    var `repeat`: Int = 1

    @Option(help: "With --repeat: how many invocations run at once.")
    var concurrency: Int = 1

    @Flag(help: "Trace each invocation as FC does (a platform span, baggage and a collector on loopback) and print the trace tree.")
    var trace = false

    @Option(help: "Write the traces as JSON in the shape of Jaeger's /api/traces/{id} to this file (implies --trace).")
    var traceOutput: String?

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard platform.timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
        guard platform.memory > 0 else { throw ValidationError("--memory must be more than 0 MB") }
        let sources = [function.product != nil, function.codeDir != nil, function.command != nil].filter { $0 }.count
        guard sources <= 1 else { throw ValidationError("use only one of --product, --code-dir and --command") }
    }

    func run() async throws {
        let style = TerminalStyle.forStandardError()
        RunningChildren.shared.installSignalHandlers()
        do {
            try await invoke(style: style)
        } catch let error as LocalError {
            FileHandle.standardError.write(Data((style.bad("fc-local: \(error.message)") + "\n").utf8))
            if !error.output.isEmpty { FileHandle.standardError.write(Data("--- function output\n\(error.output)\n".utf8)) }
            throw ExitCode(error.exitStatus)
        }
    }

    private func invoke(style: TerminalStyle) async throws {
        let request = try http.enabled ? http.request() : event.request()
        let port = try choosePort()
        let relay = OutputRelay(style: style)
        let collector = trace || traceOutput != nil ? try await TraceCollector.start() : nil
        defer { collector?.stop() }
        let spawnedAt = PlatformTrace.nowMicroseconds
        let instance = try await FunctionInstance.launch(
            function.spec, environment: platform.environment(port: port, handler: platform.handler),
            port: port, startTimeout: .seconds(function.startTimeout), relay: relay)
        let portReadyAt = spawnedAt + instance.readyAfter.microseconds
        let invoker = Invoker(port: port, platform: platform, collector: collector, firstTrace: collector == nil ? nil : PlatformTrace())
        var failed = false
        let results: [InvocationResult]
        var readyAt = portReadyAt
        do {
            if platform.initializer {
                let reply = try await invoker.initialize()
                readyAt = PlatformTrace.nowMicroseconds
                if reply.fcStatus == "404" {
                    FileHandle.standardOutput.write(reply.body)
                    throw LocalError(kind: .functionError, message: "the initializer failed")
                }
            }
            results = try await invoker.run(request, times: `repeat`, concurrency: concurrency)
            failed = results.contains { $0.isFunctionError }
            for result in results {
                let record = await relay.insights(for: result.requestID)
                Summary.print(result, record: record, memoryMB: platform.memory, readyAfter: instance.readyAfter, style: style, compact: `repeat` > 1)
            }
            if `repeat` > 1 { Summary.printStatistics(results, style: style) }
            // The answer comes last, alone on stdout; a terminal also gets a final newline, a pipe the exact bytes.
            let answer = http.enabled ? results.last!.curlStyle : results.last!.body
            FileHandle.standardOutput.write(answer)
            if isatty(1) == 1, answer.last != UInt8(ascii: "\n") { FileHandle.standardOutput.write(Data("\n".utf8)) }
        } catch {
            await instance.stop()
            throw error
        }
        // Stopping the function also makes its runtime flush the spans it still holds.
        await instance.stop()
        if let collector {
            let coldStart = PlatformTrace.ColdStart(spawnedAtMicroseconds: spawnedAt, portReadyAtMicroseconds: portReadyAt, readyAtMicroseconds: readyAt)
            try TraceOutput(collector: collector, serviceName: "FC:\(platform.service)/\(platform.function)", style: style)
                .report(results, coldStart: coldStart, outputFile: traceOutput)
        }
        if failed { throw ExitCode(1) }
    }

    private func choosePort() throws -> Int {
        if let port = platform.port {
            guard (1...65535).contains(port) else { throw LocalError.usage("--port must be from 1 to 65535") }
            guard PortProbe.isFree(port) else { throw LocalError.startup("port \(port) is already in use; choose another with --port or omit it") }
            return port
        }
        guard let port = PortProbe.freePort() else { throw LocalError.startup("no free TCP port is available") }
        return port
    }
}

/// Which function to run.
struct FunctionOptions: ParsableArguments {
    @Option(help: "An executable product of this package (built if needed). Default: hello.")
    var product: String?

    @Option(help: "A custom-runtime code directory: runs DIR/bootstrap.")
    var codeDir: String?

    @Option(help: "Any command that serves the FC contract; /bin/sh execs it, so it receives the signals itself.")
    var command: String?

    @Flag(help: "Use the product's binary already built next to fc-local instead of running `swift build`.")
    var noBuild = false

    @Option(help: "Seconds to wait for the function to listen.")
    var startTimeout: Int = 20

    var spec: LaunchSpec {
        if let codeDir { return .codeDirectory(codeDir) }
        if let command { return .command(command) }
        return .product(product ?? "hello", build: !noBuild)
    }
}
