#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Decides whether to start a trace when the caller sent no span context: at most `tracesPerSecond` traces per
/// second (a token bucket holding up to one second's worth), FC's default sampling rule.
///
/// Time is a monotonic count of nanoseconds: with `ContinuousClock` instants, the elapsed time went through 128-bit
/// `Duration` arithmetic (~450 instructions on every invocation the sampler decided).
final class RateLimitingSampler: Sendable {
    private struct Bucket {
        var tokens: Double
        var refilledAtNanoseconds: UInt64
    }

    /// The most traces started per second (0: none).
    let tracesPerSecond: Double
    private let bucket: Mutex<Bucket>

    /// A sampler whose bucket starts full at `nowNanoseconds`.
    init(tracesPerSecond: Double, nowNanoseconds: UInt64 = RateLimitingSampler.monotonicNanoseconds()) {
        self.tracesPerSecond = tracesPerSecond
        self.bucket = Mutex(Bucket(tokens: max(1, tracesPerSecond), refilledAtNanoseconds: nowNanoseconds))
    }

    /// Takes one token when there is one.
    func shouldSample(nowNanoseconds: UInt64 = RateLimitingSampler.monotonicNanoseconds()) -> Bool {
        guard tracesPerSecond > 0 else { return false }
        let capacity = max(1, tracesPerSecond)
        return bucket.withLock { bucket in
            // A reading from before the last refill (callers on other threads) adds nothing.
            let elapsed = nowNanoseconds > bucket.refilledAtNanoseconds ? nowNanoseconds - bucket.refilledAtNanoseconds : 0
            bucket.tokens = min(capacity, bucket.tokens + Double(elapsed) * 1e-9 * tracesPerSecond)
            bucket.refilledAtNanoseconds = max(bucket.refilledAtNanoseconds, nowNanoseconds)
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            return true
        }
    }

    /// Nanoseconds of the system's monotonic clock.
    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
