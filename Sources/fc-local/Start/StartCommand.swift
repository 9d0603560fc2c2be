import ArgumentParser
import Foundation

/// `fc-local start`: a long-running local Function Compute platform serving the configured functions.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Serve functions the way Function Compute does: invoke API, HTTP triggers, tracing, metrics.",
        discussion: """
            With no --config it serves the bundled `hello` product as service `default`, function `hello`. \
            State (invocation records, traces, the async queue, tracing settings) is kept in --state-dir. \
            SIGINT or SIGTERM stops every instance gracefully (pre-stop, SIGTERM) and exits 0.
            """
    )

    @Option(help: "The functions to serve (YAML or JSON; see the README).")
    var config: String?

    @Option(help: "The port to listen on (0 picks a free one, printed at start).")
    var port: Int = 8000

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Where the state database is kept.")
    var stateDir: String = ".fc-local"

    @Option(help: "The region reported to functions and in metric dimensions.")
    var region: String = "cn-hangzhou"

    @Option(help: "The token the tracing-configuration API expects in X-Auth-Token (default: a random one, printed once).")
    var authToken: String?

    @Option(help: "The project id of the tracing-configuration API (32 letters/digits; default: one generated and kept in the state directory).")
    var projectID: String?

    @Flag(help: "Use products already built next to fc-local instead of running `swift build`.")
    var noBuild = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        if let projectID, !TracingPath.isValidProjectID(projectID) {
            throw ValidationError("--project-id must be 32 letters or digits")
        }
        if let authToken, authToken.isEmpty { throw ValidationError("--auth-token must not be empty") }
        guard !region.isEmpty, region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw ValidationError("--region must be letters, digits and -")
        }
    }

    func run() async throws {
        let style = TerminalStyle.forStandardError()
        let output = PlatformOutput(style: style)
        do {
            try await serve(output: output)
        } catch let error as LocalError {
            FileHandle.standardError.write(Data((style.bad("fc-local: \(error.message)") + "\n").utf8))
            if !error.output.isEmpty { FileHandle.standardError.write(Data("--- output\n\(error.output)\n".utf8)) }
            throw ExitCode(error.exitStatus)
        }
    }

    private func serve(output: PlatformOutput) async throws {
        let functions = try config.map(PlatformConfigurationFile.load) ?? [PlatformConfigurationFile.bundledDefault]
        let launchSpecs = try await LaunchResolver.resolve(functions, build: !noBuild, output: output)
        let store = try PlatformStore(directory: stateDir)
        OrphanReaper.stopLeftovers(store: store, output: output)
        try store.requeueInterrupted()
        let configured = Set(functions.map(\.key))
        for key in try store.functionsWithQueuedInvocations() where !configured.contains(key) {
            output.warning("async invocations of \(key) are queued, but it is not in the configuration: they wait until it is")
        }
        let projectID = try self.projectID ?? store.setting("projectID") { TracingPath.newProjectID() }
        let token = authToken ?? TracingPath.newProjectID()
        let settings = PlatformSettings(
            region: region, projectID: projectID, authToken: token,
            accountID: ProcessInfo.processInfo.environment["ALIBABA_CLOUD_ACCOUNT_ID"] ?? "1234567890", stateDirectory: stateDir)
        let platform = Platform(settings: settings, functions: functions, launchSpecs: launchSpecs, store: store, output: output)
        let shutdown = ShutdownSignal.install()
        let printedToken = authToken == nil ? token : nil
        try await PlatformLifecycle(platform: platform, output: output).run(host: host, port: port, shutdown: shutdown) { boundPort in
            StartBanner(platform: platform, host: host, port: boundPort, generatedToken: printedToken).print()
        }
    }
}
