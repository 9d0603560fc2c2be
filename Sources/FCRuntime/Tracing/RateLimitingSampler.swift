import Synchronization

/// Decides whether to start a trace when the caller sent no span context: at most `tracesPerSecond` traces per
/// second (a token bucket holding up to one second's worth), FC's default sampling rule.
final class RateLimitingSampler: Sendable {
    private struct Bucket {
        var tokens: Double
        var refilledAt: ContinuousClock.Instant
    }

    let tracesPerSecond: Double
    private let bucket: Mutex<Bucket>

    init(tracesPerSecond: Double, now: ContinuousClock.Instant = .now) {
        self.tracesPerSecond = tracesPerSecond
        self.bucket = Mutex(Bucket(tokens: max(1, tracesPerSecond), refilledAt: now))
    }

    /// Takes one token when there is one.
    func shouldSample(now: ContinuousClock.Instant = .now) -> Bool {
        guard tracesPerSecond > 0 else { return false }
        let capacity = max(1, tracesPerSecond)
        return bucket.withLock { bucket in
            let elapsed = now - bucket.refilledAt
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            bucket.tokens = min(capacity, bucket.tokens + max(0, seconds) * tracesPerSecond)
            bucket.refilledAt = now
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            return true
        }
    }
}
