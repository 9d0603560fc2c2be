import Synchronization

/// Runs the initializer at most once per process successfully: concurrent callers share one run and its outcome;
/// after a failure the next caller runs it again.
final class InitializerGate: Sendable {
    /// The result of one initializer run.
    struct Outcome: Sendable {
        let response: RuntimeResponse
        /// The error body when the run failed, else `nil`.
        let error: ErrorBody?
        let duration: Duration

        var succeeded: Bool { error == nil }
    }

    private enum State {
        case pending
        case running(Task<Outcome, Never>)
        case succeeded(Outcome)
    }

    private let state = Mutex(State.pending)

    /// How long the successful run took, once there is one.
    var successfulDuration: Duration? {
        state.withLock { if case .succeeded(let outcome) = $0 { outcome.duration } else { nil } }
    }

    /// Whether the initializer has completed successfully.
    var hasSucceeded: Bool {
        state.withLock { if case .succeeded = $0 { true } else { false } }
    }

    /// Returns the successful outcome if there is one; otherwise starts `run` (or joins the run in progress)
    /// and returns its outcome. `reused` is true when a finished success was returned without running anything.
    func ensure(_ run: @escaping @Sendable () async -> Outcome) async -> (outcome: Outcome, reused: Bool) {
        let task: Task<Outcome, Never>
        switch state.withLock({ state -> Decision in
            switch state {
            case .succeeded(let outcome): return .done(outcome)
            case .running(let task): return .wait(task)
            case .pending:
                let task = Task { await run() }
                state = .running(task)
                return .wait(task)
            }
        }) {
        case .done(let outcome): return (outcome, true)
        case .wait(let running): task = running
        }
        let outcome = await task.value
        state.withLock { state in
            if case .running(let current) = state, current == task {
                state = outcome.succeeded ? .succeeded(outcome) : .pending
            }
        }
        return (outcome, false)
    }

    /// What a caller does: take the finished success, or wait for a run.
    private enum Decision {
        case done(Outcome)
        case wait(Task<Outcome, Never>)
    }
}
