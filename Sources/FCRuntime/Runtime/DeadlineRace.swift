import NIOCore
import NIOPosix
import Synchronization

/// How an operation raced against its deadline ended.
enum DeadlineOutcome<Value: Sendable>: Sendable {
    case finished(Result<Value, any Error>)
    case timedOut
}

/// Runs an operation in its own task and answers as soon as it finishes or the timeout elapses, whichever comes
/// first. On timeout the task is cancelled but not awaited: a handler that ignores cancellation cannot hold the
/// response, the connection or the server.
enum DeadlineRace {
    static func run<Value: Sendable>(
        timeout: Duration,
        operation: @escaping @Sendable () async throws -> Value
    ) async -> DeadlineOutcome<Value> {
        let race = Race<Value>()
        return await withCheckedContinuation { continuation in
            race.start(continuation)
            // The timer lives on NIO's event loops: cheaper than a sleeping task per invocation.
            let timer = NIOSingletons.posixEventLoopGroup.next().scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) {
                race.finish(.timedOut)
            }
            let task = Task {
                let result: Result<Value, any Error>
                do { result = .success(try await operation()) } catch { result = .failure(error) }
                race.finish(.finished(result))
                timer.cancel()
            }
            race.attach(task)
        }
    }

    /// Resumes the continuation exactly once and cancels the operation if the timer won.
    private final class Race<Value: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<DeadlineOutcome<Value>, Never>?
            var task: Task<Void, Never>?
            var timedOut = false
        }
        private let state = Mutex(State())

        func start(_ continuation: CheckedContinuation<DeadlineOutcome<Value>, Never>) {
            state.withLock { $0.continuation = continuation }
        }

        func attach(_ task: Task<Void, Never>) {
            let cancelNow = state.withLock { state in
                state.task = task
                return state.timedOut
            }
            if cancelNow { task.cancel() }
        }

        func finish(_ outcome: DeadlineOutcome<Value>) {
            let (continuation, task) = state.withLock { state in
                let continuation = state.continuation
                state.continuation = nil
                if case .timedOut = outcome, continuation != nil { state.timedOut = true }
                return (continuation, continuation != nil && state.timedOut ? state.task : nil)
            }
            continuation?.resume(returning: outcome)
            task?.cancel()
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int {
        let (seconds, attoseconds) = components
        let (product, overflow) = Int(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int.max : product + Int(attoseconds / 1_000_000_000)
    }

    /// The duration in milliseconds, with fractions.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
