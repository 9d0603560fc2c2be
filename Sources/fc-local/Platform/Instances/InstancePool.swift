import Foundation
import NIOHTTP1

/// The instances of one function, managed as FC manages them: started on demand (cold start, `/initialize` when
/// configured), reused while warm, up to `instanceConcurrency` invocations each and `maxInstances` in all (beyond
/// that: throttled), `/pre-freeze` when an instance goes idle, `/pre-stop` and SIGTERM after the idle timeout,
/// and replaced when one crashes.
actor InstancePool {
    /// An instance lent to one invocation; give it back with `release`.
    struct Lease: Sendable {
        let instanceID: String
        let instance: FunctionInstance
        let relay: OutputRelay
        /// This invocation started the instance (FC's cold start), with the start-up times for its trace.
        let coldStart: PlatformTrace.ColdStart?
        /// Invocations of the function in flight on the platform, this one included.
        let concurrency: Int
    }

    /// Why no instance could be lent.
    enum AcquireError: Error {
        /// Every instance is busy and no more may start.
        case throttled(limit: Int)
        /// A new instance did not start (or its initializer failed).
        case startFailed(LocalError)
        /// The initializer answered with an error: the function's failure, answered as such.
        case initializerFailed(status: Int, body: Data, requestID: String)
    }

    private struct Slot {
        let id: String
        let relay: OutputRelay
        var instance: FunctionInstance?
        var startup: Task<(FunctionInstance, PlatformTrace.ColdStart), any Error>?
        var coldStart: PlatformTrace.ColdStart?
        var inFlight = 0
        var idleSince = ContinuousClock.now
        var freezing: Task<Void, Never>?
    }

    let function: FunctionConfiguration
    private let launch: LaunchSpec
    private let settings: PlatformSettings
    private let store: PlatformStore
    private let metrics: PlatformMetrics
    private let output: PlatformOutput
    private var slots: [String: Slot] = [:]
    /// Slot ids, oldest first (the oldest warm instance is preferred, so idle ones age out).
    private var order: [String] = []
    private var inFlight = 0

    init(function: FunctionConfiguration, launch: LaunchSpec, settings: PlatformSettings, store: PlatformStore, metrics: PlatformMetrics, output: PlatformOutput) {
        self.function = function
        self.launch = launch
        self.settings = settings
        self.store = store
        self.metrics = metrics
        self.output = output
    }

    /// The contract the function's instances are started and called with.
    nonisolated var contract: PlatformContract {
        PlatformContract(
            service: function.service, function: function.name, handler: function.handler, initializer: function.initializer,
            initializationTimeoutSeconds: function.initializationTimeoutSeconds, preFreezeHandler: function.preFreeze?.handler,
            preStopHandler: function.preStop?.handler, memoryMB: function.memoryMB, timeoutSeconds: function.timeoutSeconds,
            region: settings.region, accountID: settings.accountID)
    }

    /// Invocations in flight right now.
    var invocationsInFlight: Int { inFlight }

    /// Running or starting instances.
    var instanceCount: Int { slots.count }

    /// Lends an instance with a free slot: a warm one, one already starting, or a new one (cold start;
    /// `traceHeaders`, when the invocation is traced, make its `/initialize` join the trace).
    func acquire(traceHeaders: [(String, String)]) async throws(AcquireError) -> Lease {
        let concurrency = function.instanceConcurrency
        if let id = order.first(where: { slots[$0]?.instance != nil && slots[$0]!.inFlight < concurrency }) {
            return await lend(id, starter: false)
        }
        if let id = order.first(where: { slots[$0]?.instance == nil && slots[$0]!.inFlight < concurrency }) {
            return try await waitForStart(id, starter: false)
        }
        guard slots.count < function.maxInstances else {
            throw .throttled(limit: function.maxInstances * concurrency)
        }
        let id = "c-" + String(UUID().uuidString.lowercased().prefix(8)) + "-" + function.name.prefix(16).lowercased()
        let relay = OutputRelay(
            style: output.style, prefix: output.style.heading("[\(function.key) \(id.prefix(10))] "),
            onInstanceMetrics: { [store, metrics, key = function.key, output] json in
                guard let record = InstanceMetricsParser.record(json, key: key, instanceID: id) else { return }
                metrics.observe(record)
                Task {
                    do { try await store.record(record) } catch { output.warning("could not store instance metrics: \(error)") }
                }
            })
        var slot = Slot(id: id, relay: relay)
        slot.startup = Task { [self] in try await start(id: id, relay: relay, traceHeaders: traceHeaders) }
        slots[id] = slot
        order.append(id)
        metrics.setInstanceCount(slots.count, for: function.key)
        return try await waitForStart(id, starter: true)
    }

    /// Gives an instance back. `healthy: false` (it crashed, or did not answer in time) removes and kills it.
    func release(_ lease: Lease, healthy: Bool) {
        inFlight -= 1
        guard var slot = slots[lease.instanceID] else { return }
        slot.inFlight -= 1
        guard healthy else {
            remove(lease.instanceID)
            Task.detached { lease.instance.kill() }
            return
        }
        if slot.inFlight == 0 {
            slot.idleSince = .now
            if let hook = function.preFreeze {
                let call = LifecycleCall(contract: contract, port: lease.instance.port)
                slot.freezing = Task { await call.send(path: "/pre-freeze", timeoutSeconds: hook.timeoutSeconds) }
            }
        }
        slots[lease.instanceID] = slot
    }

    /// Every 200 ms: replaces crashed instances and retires those idle past the idle timeout.
    func tick() {
        for id in order {
            guard let slot = slots[id], let instance = slot.instance else { continue }
            if instance.hasExited {
                remove(id)
                output.warning("instance \(id) of \(function.key) exited (status \(instance.process.terminationStatus)); a new one starts on the next request")
                forget(instance)
            } else if slot.inFlight == 0, ContinuousClock.now - slot.idleSince >= .milliseconds(Int64(function.idleTimeoutSeconds * 1000)) {
                remove(id)
                output.info("instance \(id) of \(function.key) idle for \(Int(function.idleTimeoutSeconds)) s: stopping it")
                Task { await retire(instance, freezing: slot.freezing) }
            }
        }
    }

    /// Stops every running instance (pre-stop, SIGTERM); instances still starting are left to their waiters.
    func retireAll(reason: String) async {
        let running = order.compactMap { id -> (FunctionInstance, Task<Void, Never>?)? in
            guard let slot = slots[id], let instance = slot.instance else { return nil }
            remove(id)
            return (instance, slot.freezing)
        }
        if !running.isEmpty { output.info("\(function.key): stopping \(running.count) instance(s): \(reason)") }
        await withTaskGroup(of: Void.self) { group in
            for (instance, freezing) in running { group.addTask { await self.retire(instance, freezing: freezing) } }
        }
    }

    // MARK: Internals

    private func lend(_ id: String, starter: Bool) async -> Lease {
        slots[id]!.inFlight += 1
        inFlight += 1
        let slot = slots[id]!
        // A thawing instance first finishes its pre-freeze hook.
        if let freezing = slot.freezing { await freezing.value }
        return Lease(
            instanceID: id, instance: slot.instance!, relay: slot.relay, coldStart: starter ? slot.coldStart : nil, concurrency: inFlight)
    }

    private func waitForStart(_ id: String, starter: Bool) async throws(AcquireError) -> Lease {
        slots[id]!.inFlight += 1
        inFlight += 1
        let startup = slots[id]!.startup!
        do {
            let (instance, coldStart) = try await startup.value
            if slots[id]?.instance == nil, slots[id] != nil {
                slots[id]!.instance = instance
                slots[id]!.coldStart = coldStart
            }
            return Lease(instanceID: id, instance: instance, relay: slots[id]?.relay ?? OutputRelay(style: output.style), coldStart: starter ? coldStart : nil, concurrency: inFlight)
        } catch {
            inFlight -= 1
            remove(id)
            if let failure = error as? AcquireError { throw failure }
            throw .startFailed(error as? LocalError ?? .startup("\(error)"))
        }
    }

    private func remove(_ id: String) {
        slots.removeValue(forKey: id)
        order.removeAll { $0 == id }
        metrics.setInstanceCount(slots.count, for: function.key)
    }

    /// Spawn → port ready → `/initialize` (when configured).
    private func start(id: String, relay: OutputRelay, traceHeaders: [(String, String)]) async throws -> (FunctionInstance, PlatformTrace.ColdStart) {
        guard let port = PortProbe.freePort() else { throw LocalError.startup("no free TCP port is available") }
        var extra = function.environment
        if let tracing = try? await TracingSettings.of(function.key, store: store) {
            extra.merge(tracing.environment) { _, tracing in tracing }
        }
        let spawnedAt = PlatformTrace.nowMicroseconds
        let instance = try await FunctionInstance.launch(
            launch, environment: contract.environment(port: port, instanceID: id, extra: extra), port: port,
            startTimeout: .seconds(120), relay: relay)
        let portReadyAt = spawnedAt + instance.readyAfter.microseconds
        try? await store.remember(
            InstanceProcessRecord(pid: instance.process.processIdentifier, startTicks: OrphanReaper.startTicks(of: instance.process.processIdentifier) ?? 0, instanceID: id))
        output.info("instance \(id) of \(function.key) started in \(String(format: "%.1f", instance.readyAfter.milliseconds)) ms")
        if function.initializer != nil {
            let requestID = UUID().uuidString.lowercased()
            let reply = await InstanceCall.send(
                to: port, method: .POST, path: "/initialize",
                headers: contract.headers(requestID: requestID, controlPath: "/initialize") + traceHeaders,
                body: Data(), timeout: .milliseconds(Int64(function.initializationTimeoutSeconds * 1000)))
            guard case .answered(let status, let headers, _) = reply, status == 200, !headers.contains(where: { $0.0.lowercased() == "x-fc-status" && $0.1 == "404" }) else {
                await instance.stop(grace: .seconds(5))
                forget(instance)
                if case .answered(let status, _, let body) = reply { throw AcquireError.initializerFailed(status: status, body: body, requestID: requestID) }
                throw LocalError.startup("the initializer of \(function.key) did not answer: \(reply)")
            }
        }
        return (instance, .init(spawnedAtMicroseconds: spawnedAt, portReadyAtMicroseconds: portReadyAt, readyAtMicroseconds: PlatformTrace.nowMicroseconds))
    }

    /// `/pre-stop` when configured, then SIGTERM (the runtime drains and runs its own pre-stop if FC did not).
    private func retire(_ instance: FunctionInstance, freezing: Task<Void, Never>?) async {
        await freezing?.value
        if let hook = function.preStop {
            await LifecycleCall(contract: contract, port: instance.port).send(path: "/pre-stop", timeoutSeconds: hook.timeoutSeconds)
        }
        await instance.stop(grace: .seconds(15))
        forget(instance)
    }

    private nonisolated func forget(_ instance: FunctionInstance) {
        Task { [store] in try? await store.forget(pid: instance.process.processIdentifier) }
    }
}

/// A lifecycle hook call (`GET /pre-freeze`, `GET /pre-stop`) with FC's headers.
struct LifecycleCall: Sendable {
    let contract: PlatformContract
    let port: Int

    func send(path: String, timeoutSeconds: Double) async {
        _ = await InstanceCall.send(
            to: port, method: .GET, path: path, headers: contract.headers(requestID: UUID().uuidString.lowercased(), controlPath: path),
            body: Data(), timeout: .milliseconds(Int64(timeoutSeconds * 1000)))
    }
}
