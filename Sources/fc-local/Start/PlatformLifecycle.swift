import Foundation
import Logging
import ServiceLifecycle

/// Runs the platform: the server, the async queue, housekeeping (idle instances, crashed instances, retention),
/// until SIGINT or SIGTERM; then stops in order: no new connections, requests in flight finish (bounded), the
/// async queue finishes the invocation it runs, and every instance gets pre-stop and SIGTERM.
struct PlatformLifecycle {
    let platform: Platform
    let output: PlatformOutput

    /// How long a stop waits for requests and async invocations in flight.
    static let drainLimit: Duration = .seconds(30)

    func run(host: String, port: Int, shutdown: AsyncStream<Int32>, onRunning: @escaping @Sendable (Int) -> Void) async throws {
        let (running, runningContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "fc-local")
        logger.logLevel = .critical
        let group = ServiceGroup(
            services: [PlatformServer.application(platform, host: host, port: port) { boundPort in runningContinuation.yield(boundPort) }],
            gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let server = Task {
            defer { runningContinuation.finish() }
            try await group.run()
        }
        var iterator = running.makeAsyncIterator()
        guard let boundPort = await iterator.next() else {
            let reason: String
            do {
                try await server.value
                reason = "the server stopped at once"
            } catch {
                reason = "\(error)"
            }
            throw LocalError.startup("cannot listen on \(host):\(port): \(reason)")
        }
        platform.port = boundPort
        let queue = Task { await AsyncQueueRunner(platform: platform).run() }
        let housekeeping = Task { await self.housekeeping() }
        onRunning(boundPort)
        for await _ in shutdown { break }

        output.info("stopping: no new requests; waiting for those in flight")
        platform.beginStopping()
        await group.triggerGracefulShutdown()
        await Self.wait(for: server, upTo: Self.drainLimit)
        await Self.wait(for: queue, upTo: Self.drainLimit)
        housekeeping.cancel()
        await withTaskGroup(of: Void.self) { tasks in
            for pool in platform.pools.values { tasks.addTask { await pool.stopAll(reason: "fc-local is stopping") } }
        }
        output.info("stopped")
    }

    /// Waits for `task` to end, cancelling it after `limit`.
    private static func wait<Success, Failure>(for task: Task<Success, Failure>, upTo limit: Duration) async {
        let watchdog = Task {
            try await Task.sleep(for: limit)
            task.cancel()
        }
        _ = await task.result
        watchdog.cancel()
    }

    /// Every 200 ms: replace crashed instances, retire idle ones; every hour: drop records past retention.
    private func housekeeping() async {
        var lastPrune = ContinuousClock.now - .seconds(3600)
        while !Task.isCancelled {
            for pool in platform.pools.values { await pool.tick() }
            if ContinuousClock.now - lastPrune >= .seconds(3600) {
                lastPrune = .now
                do { try await platform.store.prune() } catch { output.warning("could not prune old records: \(error)") }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }
}
