import Synchronization
import Tracing

/// Sends finished spans to their collectors off the response path. Spans queue as they end (bounded, oldest
/// dropped); ``kick()`` after a response wakes one background task that drains the queue in batches per
/// destination; ``flush(timeout:)`` waits, bounded, until everything queued has been sent or given up.
/// Failures never reach an invocation: they become at most one warning line per minute.
///
/// While other invocations are running, requests to the collector are spaced at least ``minimumInterval`` apart, so
/// that spans of many invocations share one request (one POST per invocation cost a third of the throughput at 10k
/// invocations/s; every request also costs the collector a connection). A full batch never waits, so spans cannot
/// pile up until the queue drops them. Once the instance has had no invocation in
/// flight for two checks ``idleCheckInterval`` apart — FC may freeze it then — queued spans leave without waiting,
/// as they do on an instance that was idle and on a flush. (Sending whenever the count touched zero sent four times
/// as many requests under load: between bursts it touches zero often.)
final class SpanExporter: Sendable {
    private struct State {
        var queue: SpanQueue
        var uploading = false
        var flushing = 0
    }

    /// Largest number of spans in one request.
    static let batchLimit = 512
    /// Least time between the starts of two export requests while spans keep coming and invocations keep running.
    static let minimumInterval: Duration = .milliseconds(100)
    /// How often a wait for the interval looks whether the instance went idle or a flush began.
    static let idleCheckInterval: Duration = .milliseconds(5)
    /// Whether no invocation is in flight.
    private let instanceIsIdle: @Sendable () -> Bool
    /// Queued spans that are sent without waiting for the interval: a batch, or half the queue when that is smaller.
    private let fullBatch: Int

    private let state: Mutex<State>
    private let wakeups: AsyncStream<Void>.Continuation
    /// Whether the export task is awake (draining or about to); a kick then costs one atomic operation.
    private let awake = Atomic<Bool>(false)
    private let uploader: TraceUploader
    private let processTags: [(String, SpanAttribute)]
    private let warnings: ExportWarnings

    init(
        configuration: TracingConfiguration, processTags: [(String, SpanAttribute)], warnings: ExportWarnings,
        instanceIsIdle: @escaping @Sendable () -> Bool = { true }
    ) {
        self.instanceIsIdle = instanceIsIdle
        self.state = Mutex(State(queue: SpanQueue(capacity: configuration.queueCapacity)))
        self.fullBatch = Self.fullBatch(queueCapacity: configuration.queueCapacity)
        self.uploader = TraceUploader(configuration: configuration)
        self.processTags = processTags
        self.warnings = warnings
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wakeups = continuation
        // Weak: a task that held the exporter would keep it (and its queue) alive forever. It ends at `deinit`.
        Task { [weak self] in
            for await _ in stream { await self?.drain() }
        }
    }

    deinit {
        wakeups.finish()
    }

    /// Queues a finished span; it leaves at the next ``kick()``.
    func enqueue(_ span: FinishedSpan, to destination: TraceDestination) {
        state.withLock { $0.queue.append(.init(destination: destination, span: span)) }
    }

    /// Wakes the export task (one atomic operation when it is already awake).
    func kick() {
        if awake.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            wakeups.yield()
        }
    }

    /// Spans dropped because the queue was full, since start.
    var droppedTotal: Int { state.withLock { $0.queue.droppedTotal } }

    /// Whether nothing is queued or being sent.
    var isIdle: Bool { state.withLock { $0.queue.isEmpty && !$0.uploading } }

    /// Sends what is queued and waits until it has left (or failed), at most `timeout`. Returns whether the queue
    /// was emptied in time.
    @discardableResult
    func flush(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        state.withLock { $0.flushing += 1 }
        defer { state.withLock { $0.flushing -= 1 } }
        kick()
        while !isIdle {
            guard ContinuousClock.now < deadline else { return false }
            do { try await Task.sleep(for: .milliseconds(2)) } catch { return isIdle }  // cancelled: no busy loop
        }
        return true
    }

    private func drain() async {
        var lastUpload: ContinuousClock.Instant?
        while true {
            if let lastUpload { await waitForInterval(since: lastUpload) }
            let batch: [SpanQueue.Entry] = state.withLock { state in
                let batch = state.queue.take(upTo: Self.batchLimit)
                state.uploading = !batch.isEmpty
                return batch
            }
            if batch.isEmpty {
                awake.store(false, ordering: .sequentiallyConsistent)
                // A span queued between `take` and the store above was kicked while we looked awake: go on for it.
                guard state.withLock({ !$0.queue.isEmpty }),
                    awake.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
                else { return }
                continue
            }
            lastUpload = .now
            for (destination, spans) in Self.grouped(batch) {
                let process = TraceProcess(serviceName: destination.serviceName, tags: processTags, function: destination.function)
                do {
                    try await uploader.upload(spans, process: process, to: destination)
                } catch {
                    warnings.exportFailed(reason: error.reason, spanCount: spans.count, droppedTotal: droppedTotal)
                }
            }
            state.withLock { $0.uploading = false }
        }
    }

    /// Waits until ``minimumInterval`` has passed since `lastUpload`, unless a full batch is waiting (spans arriving
    /// faster than one batch per interval must not pile up until the queue drops them), the instance stays idle for
    /// two checks, or a flush begins.
    private func waitForInterval(since lastUpload: ContinuousClock.Instant) async {
        let due = lastUpload.advanced(by: Self.minimumInterval)
        var idleChecks = 0
        while true {
            let (queued, flushing) = state.withLock { ($0.queue.count, $0.flushing > 0) }
            let left = due - ContinuousClock.now
            if left <= .zero || Self.sendsWithoutWaiting(queued: queued, fullBatch: fullBatch, flushing: flushing, idleChecks: idleChecks) {
                return
            }
            do { try await Task.sleep(for: min(left, Self.idleCheckInterval)) } catch { return }
            idleChecks = instanceIsIdle() ? idleChecks + 1 : 0
        }
    }

    /// Whether queued spans leave before the interval is over: a full batch is waiting, a flush began, or the
    /// instance has been idle for two checks in a row.
    static func sendsWithoutWaiting(queued: Int, fullBatch: Int, flushing: Bool, idleChecks: Int) -> Bool {
        flushing || queued >= fullBatch || idleChecks >= 2
    }

    /// Spans that leave without waiting for the interval: a batch, or half the queue when that is smaller (so that
    /// spans arriving faster than a batch per interval do not fill the queue first).
    static func fullBatch(queueCapacity: Int) -> Int {
        max(1, min(batchLimit, queueCapacity / 2))
    }

    /// Groups spans by destination, keeping the order of first appearance. Nearly always there is one destination,
    /// so each span is first compared with the previous span's group (no hashing).
    private static func grouped(_ entries: [SpanQueue.Entry]) -> [(TraceDestination, [FinishedSpan])] {
        var groups: [(TraceDestination, [FinishedSpan])] = []
        var current = -1
        for entry in entries {
            if current < 0 || groups[current].0 != entry.destination {
                current = groups.firstIndex { $0.0 == entry.destination } ?? {
                    groups.append((entry.destination, []))
                    return groups.count - 1
                }()
            }
            groups[current].1.append(entry.span)
        }
        return groups
    }
}
