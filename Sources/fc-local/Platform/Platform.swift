import Foundation
import Synchronization

/// Settings of a running `fc-local start`.
struct PlatformSettings: Sendable {
    let region: String
    /// The project id of the tracing-configuration API (32 letters/digits), kept across restarts.
    let projectID: String
    /// The token the tracing-configuration API checks in `X-Auth-Token`.
    let authToken: String
    let accountID: String
    let stateDirectory: String
}

/// The local platform: the configured functions, their instance pools, the state database and the live metrics.
final class Platform: Sendable {
    let settings: PlatformSettings
    /// The functions, in the configuration file's order.
    let functions: [FunctionConfiguration]
    let store: PlatformStore
    let metrics: PlatformMetrics
    let pools: [FunctionKey: InstancePool]
    /// Per function, what wakes its async-queue worker when an invocation is queued.
    let asyncQueueSignals: [FunctionKey: QueueSignal]
    let output: PlatformOutput
    private let listeningPort = Mutex(0)
    private let stopping = Mutex(false)

    init(settings: PlatformSettings, functions: [FunctionConfiguration], launchSpecs: [FunctionKey: LaunchSpec], store: PlatformStore, output: PlatformOutput) {
        self.settings = settings
        self.functions = functions
        self.store = store
        self.output = output
        let metrics = PlatformMetrics(region: settings.region)
        self.metrics = metrics
        var pools: [FunctionKey: InstancePool] = [:]
        for function in functions {
            pools[function.key] = InstancePool(function: function, launch: launchSpecs[function.key]!, settings: settings, store: store, metrics: metrics, output: output)
        }
        self.pools = pools
        self.asyncQueueSignals = Dictionary(uniqueKeysWithValues: functions.map { ($0.key, QueueSignal()) })
    }

    /// The configured function named `service`/`function`.
    func function(_ key: FunctionKey) -> FunctionConfiguration? { functions.first { $0.key == key } }

    /// The port the platform listens on (set once the server runs).
    var port: Int {
        get { listeningPort.withLock { $0 } }
        set { listeningPort.withLock { $0 = newValue } }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The collector endpoint traced invocations carry in `x-fc-tracing-jaeger-endpoint`.
    var jaegerEndpoint: String { baseURL + "/api/traces" }

    /// Tracing was switched on, off or given new credentials for `key`: its instances were started with the old
    /// environment, so they are retired (new ones start on the next invocation).
    func tracingConfigurationChanged(for key: FunctionKey) async {
        await pools[key]?.drainAll(reason: "tracing configuration changed")
    }

    /// Keeps an invocation record (committed before the caller is answered) and feeds the live metrics. The write is
    /// not cancellable: it happens even when the caller's task is cancelled (the client disconnected).
    func keep(_ record: InvocationRecord) async {
        let store = self.store
        let failure = await Task { () -> (any Error)? in
            do {
                try await store.record(record)
                return nil
            } catch {
                return error
            }
        }.value
        if let failure { output.warning("could not store the record of \(record.requestID): \(failure)") }
        metrics.observe(record)
    }

        /// Set when fc-local begins to stop: the async queue takes no new invocations.
    var isStopping: Bool { stopping.withLock { $0 } }

    /// Stops the async queue from taking new invocations and wakes its idle workers so that they see it.
    func beginStopping() {
        stopping.withLock { $0 = true }
        for signal in asyncQueueSignals.values { signal.ring() }
    }
}
