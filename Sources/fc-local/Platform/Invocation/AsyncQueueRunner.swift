import Foundation

/// Runs the async queue: one worker per function takes its queued invocations oldest first, one at a time (so
/// they run in the order they were accepted), and records each result. A throttled invocation waits and stays
/// first in line (and is not recorded as a throttle: it is not an invocation); one whose instance crashed is
/// retried up to three attempts in all (FC retries async invocations too, with `x-fc-retry-count`); function errors
/// are final. When fc-local stops, each worker finishes the invocation it runs and takes no more. An idle worker
/// waits for its function's ``QueueSignal`` (rung on every enqueue) rather than polling the database; it looks
/// again every ``idleRecheck`` all the same.
struct AsyncQueueRunner {
    let platform: Platform

    static let maxAttempts = 3
    /// How often an idle worker looks at the database without being woken (a safety net, not the way work arrives).
    static let idleRecheck: Duration = .seconds(5)

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for function in platform.functions {
                group.addTask { await work(on: function.key) }
            }
        }
    }

    private func work(on key: FunctionKey) async {
        let service = InvocationService(platform: platform)
        while !Task.isCancelled, !platform.isStopping {
            guard let next = try? await platform.store.takeNextQueued(for: key) else {
                await platform.asyncQueueSignals[key]?.wait(upTo: Self.idleRecheck)
                continue
            }
            let headers = ((try? JSONSerialization.jsonObject(with: Data(next.headers.utf8))) as? [String: String] ?? [:]).map { ($0.key, $0.value) }
            let answer = await service.invoke(
                InvocationInput(
                    key: key, kind: .event, headers: headers, body: next.payload, requestID: next.requestID, trigger: "async",
                    receivedAt: Date(), started: .now, retryCount: next.attempts - 1, recordsThrottling: false))
            var record = next
            switch answer.outcome {
            case .throttled:
                record.state = .queued
                record.attempts -= 1
                try? await platform.store.finish(record)
                try? await Task.sleep(for: .milliseconds(200))
                continue
            case .serverError where record.attempts < Self.maxAttempts:
                record.state = .queued
            default:
                record.state = answer.outcome == .success ? .succeeded : .failed
                record.status = answer.status
                record.response = answer.body
                record.errorType = answer.errorType
                record.finishedAt = Int64(Date().timeIntervalSince1970 * 1000)
            }
            do {
                try await platform.store.finish(record)
            } catch {
                platform.output.warning("could not record the async result of \(record.requestID): \(error)")
            }
        }
    }
}
