import Logging
import Synchronization

/// Turns export failures into at most one warning line per interval (default one minute), counting what happened
/// in between. Messages never contain the endpoint or credentials: callers pass only a reason.
final class ExportWarnings: Sendable {
    private struct State {
        var lastWarning: ContinuousClock.Instant?
        var failuresSinceWarning = 0
        var spansLostSinceWarning = 0
    }

    private let interval: Duration
    private let logger: Logger
    private let state = Mutex(State())

    init(logger: Logger, interval: Duration = .seconds(60)) {
        self.logger = logger
        self.interval = interval
    }

    /// Reports a failed export of `spanCount` spans; writes a line unless one was written within the interval.
    func exportFailed(reason: String, spanCount: Int, droppedTotal: Int, now: ContinuousClock.Instant = .now) {
        let summary: (failures: Int, lost: Int)? = state.withLock { state in
            state.failuresSinceWarning += 1
            state.spansLostSinceWarning += spanCount
            if let last = state.lastWarning, now - last < interval { return nil }
            defer {
                state.lastWarning = now
                state.failuresSinceWarning = 0
                state.spansLostSinceWarning = 0
            }
            return (state.failuresSinceWarning, state.spansLostSinceWarning)
        }
        guard let summary else { return }
        logger.warning(
            "trace export failed: \(reason); \(summary.lost) spans lost in \(summary.failures) failed exports since the last warning, \(droppedTotal) dropped from a full queue since start"
        )
    }
}
