import Instrumentation
import Synchronization

/// How an operation raced against its deadline ended.
enum DeadlineOutcome: Sendable {
    case finished(Result<RuntimeResponse, any Error>)
    case timedOut
}

/// Runs an operation in its own task and answers as soon as it finishes or the timeout elapses, whichever comes
/// first. On timeout the task is cancelled but not awaited: a handler that ignores cancellation cannot hold the
/// response, the connection or the server.
///
/// The task starts immediately on the caller's thread (`Task.immediate`), so a handler that completes without
/// suspending costs no thread hop; the timer is the ``TimeoutWheel`` (no system call per invocation); and the type
/// is not generic, so no metadata is instantiated per call. A `serviceContext` (the operation's trace) is bound
/// while the task is created, which the task inherits: binding it inside the task with the async `withValue` cost
/// an executor hop per traced invocation.
enum DeadlineRace {
    static func run(
        timeout: Duration,
        serviceContext: ServiceContext? = nil,
        operation: @escaping @Sendable () async throws -> RuntimeResponse
    ) async -> DeadlineOutcome {
        let race = Race()
        return await withUnsafeContinuation { continuation in
            race.start(continuation)
            let timer = TimeoutWheel.shared.schedule(at: .now.advanced(by: timeout)) { race.finish(.timedOut) }
            let body: @Sendable () async -> Void = {
                let result: Result<RuntimeResponse, any Error>
                do { result = .success(try await operation()) } catch { result = .failure(error) }
                race.finish(.finished(result))
                TimeoutWheel.shared.cancel(timer)
            }
            let start = { () -> Task<Void, Never> in
                if #available(macOS 26.0, iOS 26.0, *) { return Task.immediate(operation: body) }
                return Task(operation: body)
            }
            let task = serviceContext.map { context in ServiceContext.withValue(context) { start() } } ?? start()
            race.attach(task)
        }
    }

    /// Resumes the continuation exactly once and cancels the operation if the timer won.
    private final class Race: Sendable {
        private struct State {
            var continuation: UnsafeContinuation<DeadlineOutcome, Never>?
            var task: Task<Void, Never>?
            var timedOut = false
        }
        private let state = Mutex(State())

        func start(_ continuation: UnsafeContinuation<DeadlineOutcome, Never>) {
            state.withLock { $0.continuation = continuation }
        }

        func attach(_ task: Task<Void, Never>) {
            let cancelNow = state.withLock { state in
                state.task = task
                return state.timedOut
            }
            if cancelNow { task.cancel() }
        }

        func finish(_ outcome: DeadlineOutcome) {
            let (continuation, taskToCancel) = state.withLock { state -> (UnsafeContinuation<DeadlineOutcome, Never>?, Task<Void, Never>?) in
                guard let continuation = state.continuation else { return (nil, nil) }
                state.continuation = nil
                guard case .timedOut = outcome else { return (continuation, nil) }
                state.timedOut = true
                return (continuation, state.task)
            }
            continuation?.resume(returning: outcome)
            taskToCancel?.cancel()
        }
    }
}
