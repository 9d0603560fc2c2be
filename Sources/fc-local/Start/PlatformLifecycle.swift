import Foundation

/// Runs the platform: the server, the async queue, housekeeping (idle instances, crashed instances, retention),
/// until SIGINT or SIGTERM; then stops every instance gracefully.
struct PlatformLifecycle {
    let platform: Platform
    let output: PlatformOutput

    func run(host: String, port: Int, shutdown: AsyncStream<Int32>, onRunning: @escaping @Sendable (Int) -> Void) async throws {
        let (running, runningContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = Task {
            defer { runningContinuation.finish() }
            try await PlatformServer.run(platform, host: host, port: port) { boundPort in runningContinuation.yield(boundPort) }
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
        let queue = AsyncQueueRunner(platform: platform)
        let background = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await queue.run() }
                group.addTask { await housekeeping() }
            }
        }
        onRunning(boundPort)
        for await _ in shutdown { break }
        output.info("stopping: no new requests; instances get pre-stop and SIGTERM")
        server.cancel()
        background.cancel()
        await withTaskGroup(of: Void.self) { group in
            for pool in platform.pools.values { group.addTask { await pool.retireAll(reason: "fc-local is stopping") } }
        }
        _ = await background.value
        output.info("stopped")
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
