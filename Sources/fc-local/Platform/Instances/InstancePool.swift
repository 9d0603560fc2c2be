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
        /// The process once spawned (before it listens), so that a stop can reach an instance still starting.
        var process: Process?
        var inFlight = 0
        var idleSince = ContinuousClock.now
        var freezing: Task<Void, Never>?
        /// Takes no new invocations; retired when its last one ends (its settings changed while it was busy).
        var draining = false

        var isReady: Bool { instance != nil }
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
        let open = order.filter { slots[$0].map { !$0.draining && $0.inFlight < concurrency } ?? false }
        if let id = open.first(where: { slots[$0]!.isReady }) {
            return try await lend(id, traceHeaders: traceHeaders)
        }
        if let id = open.first {
            return try await waitForStart(id, starter: false, traceHeaders: traceHeaders)
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
        return try await waitForStart(id, starter: true, traceHeaders: traceHeaders)
    }

    /// Gives an instance back. `healthy: false` (it crashed, or did not answer in time) removes and kills it.
    func release(_ lease: Lease, healthy: Bool) {
        inFlight -= 1
        guard var slot = slots[lease.instanceID] else { return }
        slot.inFlight -= 1
        guard healthy else {
            remove(lease.instanceID)
            Task.detached { [self] in
                lease.instance.kill()
                forget(lease.instance)
            }
            return
        }
        if slot.draining, slot.inFlight == 0 {
            remove(lease.instanceID)
            Task { await retire(lease.instance, freezing: slot.freezing) }
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
                output.warning("instance \(id) of \(function.key) exited (\(instance.exitDescription)); a new one starts on the next request")
                forget(instance)
            } else if slot.inFlight == 0, ContinuousClock.now - slot.idleSince >= .seconds(function.idleTimeoutSeconds) {
                remove(id)
                output.info("instance \(id) of \(function.key) idle for \(Int(function.idleTimeoutSeconds)) s: stopping it")
                Task { await retire(instance, freezing: slot.freezing) }
            }
        }
    }

    /// Replaces every instance without failing an invocation (the function's settings changed): idle ones are
    /// retired now, busy or starting ones take no new invocations and are retired when their last one ends.
    func drainAll(reason: String) {
        var retiring = 0
        for id in order {
            guard var slot = slots[id] else { continue }
            if let instance = slot.instance, slot.inFlight == 0 {
                remove(id)
                Task { await retire(instance, freezing: slot.freezing) }
            } else {
                slot.draining = true
                slots[id] = slot
            }
            retiring += 1
        }
        if retiring > 0 { output.info("\(function.key): replacing \(retiring) instance(s): \(reason)") }
    }

    /// Stops every instance (fc-local is stopping; the server has drained): pre-stop and SIGTERM for running ones,
    /// SIGKILL for one still starting (its waiters get a start failure).
    func stopAll(reason: String) async {
        var running: [(FunctionInstance, Task<Void, Never>?)] = []
        for id in order {
            guard let slot = slots[id] else { continue }
            remove(id)
            if let instance = slot.instance {
                running.append((instance, slot.freezing))
            } else if let process = slot.process, process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                Task { [store] in try? await store.forget(pid: process.processIdentifier) }
            }
        }
        if !running.isEmpty { output.info("\(function.key): stopping \(running.count) instance(s): \(reason)") }
        await withTaskGroup(of: Void.self) { group in
            for (instance, freezing) in running { group.addTask { await self.retire(instance, freezing: freezing) } }
        }
    }

    // MARK: Internals

    private func lend(_ id: String, traceHeaders: [(String, String)]) async throws(AcquireError) -> Lease {
        slots[id]!.inFlight += 1
        inFlight += 1
        let slot = slots[id]!
        // A thawing instance first finishes its pre-freeze hook.
        if let freezing = slot.freezing { await freezing.value }
        // While suspended the instance may have been removed (crashed, stopped): take another one then.
        guard slots[id] != nil else {
            inFlight -= 1
            return try await acquire(traceHeaders: traceHeaders)
        }
        return Lease(instanceID: id, instance: slot.instance!, relay: slot.relay, coldStart: nil, concurrency: inFlight)
    }

    private func waitForStart(_ id: String, starter: Bool, traceHeaders: [(String, String)]) async throws(AcquireError) -> Lease {
        slots[id]!.inFlight += 1
        inFlight += 1
        let startup = slots[id]!.startup!
        let relay = slots[id]!.relay
        let started: (FunctionInstance, PlatformTrace.ColdStart)
        do {
            started = try await startup.value
        } catch {
            inFlight -= 1
            remove(id)
            if let failure = error as? AcquireError { throw failure }
            throw .startFailed(error as? LocalError ?? .startup("\(error)"))
        }
        guard slots[id] != nil else {
            // Stopped while starting (fc-local is stopping): this invocation cannot run on it.
            inFlight -= 1
            throw .startFailed(.startup("the instance was stopped while it started"))
        }
        let (instance, coldStart) = started
        if slots[id]!.instance == nil {
            slots[id]!.instance = instance
            slots[id]!.coldStart = coldStart
        }
        return Lease(instanceID: id, instance: instance, relay: relay, coldStart: starter ? coldStart : nil, concurrency: inFlight)
    }

    /// Records a spawned process at once: fc-local may be killed before the instance listens.
    private func spawned(_ id: String, _ process: Process) async {
        slots[id]?.process = process
        try? await store.remember(
            InstanceProcessRecord(pid: process.processIdentifier, startTicks: OrphanReaper.startTicks(of: process.processIdentifier) ?? 0, instanceID: id))
    }

    private func remove(_ id: String) {
        slots.removeValue(forKey: id)
        order.removeAll { $0 == id }
        metrics.setInstanceCount(slots.count, for: function.key)
        metrics.instanceStopped(id, of: function.key)
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
            startTimeout: .seconds(120), relay: relay, onSpawn: { [self] process in await spawned(id, process) })
        let portReadyAt = spawnedAt + instance.readyAfter.microseconds
        output.info("instance \(id) of \(function.key) started in \(String(format: "%.1f", instance.readyAfter.milliseconds)) ms")
        if function.initializer != nil {
            let requestID = UUID().uuidString.lowercased()
            let reply = await InstanceCall.send(
                to: port, method: .POST, path: "/initialize",
                headers: contract.headers(requestID: requestID, controlPath: "/initialize") + traceHeaders,
                body: Data(), timeout: .seconds(function.initializationTimeoutSeconds))
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
            body: Data(), timeout: .seconds(timeoutSeconds))
    }
}
