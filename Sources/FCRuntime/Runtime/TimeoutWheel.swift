import Synchronization

/// Fires callbacks at deadlines with 10 ms resolution and no system call or thread wake-up per schedule.
///
/// Pending callbacks sit in a table of reusable entries: scheduling takes a free entry and cancelling frees it, each
/// a few stores under a lock with no hashing (a dictionary of 10 ms slots cost ~4,000 instructions per invocation).
/// One ticker task runs while any callback is pending, waking every 10 ms to fire the entries that are due — a scan
/// of at most as many entries as invocations ever ran at once — and stops when none is left. (Scheduling on a NIO
/// event loop from another thread costs two event-loop wake-ups per invocation, measured at ~19 µs of CPU per
/// request; see BENCHMARKS.md.)
final class TimeoutWheel: Sendable {
    /// The wheel every invocation uses.
    static let shared = TimeoutWheel()

    /// Identifies one scheduled callback, for ``cancel(_:)``. The generation tells a reused entry from the one the
    /// token was given for.
    struct Token: Sendable {
        fileprivate let index: Int
        fileprivate let generation: UInt64
    }

    private struct Entry {
        var dueSlot: Int64
        var generation: UInt64
        var fire: (@Sendable () -> Void)?
    }

    private struct State {
        var entries: [Entry] = []
        var freeIndices: [Int] = []
        var pendingCount = 0
        var nextGeneration: UInt64 = 0
        var isTicking = false

        mutating func release(_ index: Int) {
            entries[index].fire = nil
            freeIndices.append(index)
            pendingCount -= 1
        }
    }

    static let resolution: Duration = .milliseconds(10)
    private static let resolutionNanoseconds = 10_000_000
    private let state = Mutex(State())
    private let origin = ContinuousClock.now

    /// Calls `fire` once, at or up to 10 ms after `deadline`, unless cancelled first.
    func schedule(at deadline: ContinuousClock.Instant, _ fire: @escaping @Sendable () -> Void) -> Token {
        let slot = slotIndex(for: deadline, roundingUp: true)
        let (token, startTicker) = state.withLock { state -> (Token, Bool) in
            state.nextGeneration &+= 1
            let entry = Entry(dueSlot: slot, generation: state.nextGeneration, fire: fire)
            let index: Int
            if let free = state.freeIndices.popLast() {
                index = free
                state.entries[index] = entry
            } else {
                index = state.entries.count
                state.entries.append(entry)
            }
            state.pendingCount += 1
            let start = !state.isTicking
            state.isTicking = true
            return (Token(index: index, generation: state.nextGeneration), start)
        }
        if startTicker { Task.detached { await self.tick() } }
        return token
    }

    /// Forgets a callback that has not fired yet; a token whose callback fired or was cancelled is ignored.
    func cancel(_ token: Token) {
        state.withLock { state in
            guard state.entries[token.index].generation == token.generation, state.entries[token.index].fire != nil else { return }
            state.release(token.index)
        }
    }

    /// Callbacks scheduled and neither fired nor cancelled.
    var pendingCount: Int { state.withLock { $0.pendingCount } }

    private func tick() async {
        while true {
            try? await Task.sleep(for: Self.resolution, tolerance: .milliseconds(2))
            let now = slotIndex(for: .now, roundingUp: false)
            // The decision to stop is taken under the lock, so exactly one ticker runs while callbacks are pending.
            let (due, keepTicking) = state.withLock { state -> ([@Sendable () -> Void], Bool) in
                var due: [@Sendable () -> Void] = []
                for index in state.entries.indices where state.entries[index].dueSlot <= now {
                    guard let fire = state.entries[index].fire else { continue }
                    due.append(fire)
                    state.release(index)
                }
                if state.pendingCount == 0 { state.isTicking = false }
                return (due, state.isTicking)
            }
            for fire in due { fire() }
            if !keepTicking { return }
        }
    }

    private func slotIndex(for instant: ContinuousClock.Instant, roundingUp: Bool) -> Int64 {
        let elapsed = (instant - origin).nanoseconds
        let width = Self.resolutionNanoseconds
        return Int64(roundingUp ? (elapsed + width - 1) / width : elapsed / width)
    }
}
