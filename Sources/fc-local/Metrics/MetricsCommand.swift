import ArgumentParser
import Foundation

/// `fc-local metrics`: a function's metrics per 60-second period, read from the state database of `fc-local start`
/// (it may be running: the database is in WAL mode).
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print a function's metrics per 60-second period.",
        discussion: """
            Reads the invocation and instance records `fc-local start` kept in --state-dir and prints one row per \
            period with invocations: counts by outcome, average duration, maximum latency and memory, concurrency, \
            cost (MB×ms) and the instances' maximum CPU. The same numbers are served by GET /metrics/query.
            """
    )

    @Option(help: "The function's name.")
    var function: String

    @Option(help: "The function's service.")
    var service: String = "default"

    @Option(help: "Where fc-local start keeps its state database.")
    var stateDir: String = ".fc-local"

    @Option(help: "The region fc-local start ran with.")
    var region: String = "cn-hangzhou"

    @Option(help: "How many minutes back from now to show (at most 31 days).")
    var minutes: Int = 60

    func validate() throws {
        guard (1...Int(MetricWindow.maximumMilliseconds / 60_000)).contains(minutes) else {
            throw ValidationError("--minutes must be from 1 to \(MetricWindow.maximumMilliseconds / 60_000) (31 days)")
        }
    }

    func run() async throws {
        let style = TerminalStyle.forStandardError()
        do {
            FileHandle.standardOutput.write(Data(try await table().utf8))
        } catch let error as LocalError {
            FileHandle.standardError.write(Data((style.bad("fc-local: \(error.message)") + "\n").utf8))
            throw ExitCode(error.exitStatus)
        }
    }

    private func table() async throws -> String {
        let databasePath = URL(fileURLWithPath: stateDir).appendingPathComponent("fc-local.sqlite").path
        // Opening the store would create an empty one: a wrong --state-dir should say so instead.
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw LocalError.usage("no state database at \(databasePath); run `fc-local start --state-dir \(stateDir)` first, or pass its --state-dir")
        }
        let store = try PlatformStore(directory: stateDir)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let window = MetricWindow(start: now - Int64(minutes) * 60_000, end: now, periodSeconds: 60)
        let key = FunctionKey(service: service, function: function)
        var invocations: [InvocationRecord] = []
        var instances: [InstanceMetricsRecord] = []
        if let range = window.recordRange {
            do {
                invocations = try await store.invocations(startedIn: range, service: service, function: function)
                instances = try await store.instanceMetrics(in: range, service: service, function: function)
            } catch {
                throw LocalError.startup("cannot read the state database \(databasePath): \(error)")
            }
        }
        let table = MetricPeriodTable(key: key, region: region, window: window, invocations: invocations, instances: instances)
        return table.render(stateDatabase: databasePath)
    }
}
