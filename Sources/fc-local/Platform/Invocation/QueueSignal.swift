import Synchronization

/// Wakes the async-queue worker of one function when an invocation is queued, so that an idle queue costs nothing:
/// the worker waits here instead of asking the database every few milliseconds.
///
/// A ring with no one waiting is remembered until the next wait, so an invocation queued while the worker is busy
/// is never missed. One waiter at a time (one worker per function).
final class QueueSignal: Sendable {
    private struct State {
        var isRung = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var lastWaitID: UInt64 = 0
    }

    private let state = Mutex(State())

    init() {}

    /// Wakes the waiting worker, or the next one to wait.
    func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.isRung = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns when rung (now, or at any time since the last wait), after `limit`, or when the task is cancelled.
    func wait(upTo limit: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForRing() }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing() async {
        let id = state.withLock { state in
            state.lastWaitID &+= 1
            return state.lastWaitID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Checked under the lock: a cancellation either came before (seen here) or finds the waiter stored.
                let resumeNow = state.withLock { state -> Bool in
                    if state.isRung || Task.isCancelled {
                        state.isRung = false
                        return true
                    }
                    state.waiter = (id, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.waiter, waiter.id == id else { return nil }
                state.waiter = nil
                return waiter.continuation
            }
            waiter?.resume()
        }
    }
}
