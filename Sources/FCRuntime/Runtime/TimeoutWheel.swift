import Synchronization

/// Fires callbacks at deadlines with 10 ms resolution and no system call or thread wake-up per schedule.
///
/// Deadlines fall into 10 ms slots; scheduling and cancelling are dictionary operations under a lock. One ticker
/// task runs while any timeout is pending, waking every 10 ms to fire the slots that are due, and stops when none
/// is left. (Scheduling on a NIO event loop from another thread costs two event-loop wake-ups per invocation,
/// measured at ~19 µs of CPU per request; see BENCHMARKS.md.)
final class TimeoutWheel: Sendable {
    /// The wheel every invocation uses.
    static let shared = TimeoutWheel()

    /// Identifies one scheduled callback, for ``cancel(_:)``.
    struct Token: Sendable {
        fileprivate let slot: Int64
        fileprivate let id: UInt64
    }

    private struct State {
        var slots: [Int64: [UInt64: @Sendable () -> Void]] = [:]
        var nextID: UInt64 = 0
        var isTicking = false
    }

    static let resolution: Duration = .milliseconds(10)
    private let state = Mutex(State())
    private let origin = ContinuousClock.now

    /// Calls `fire` once, at or up to 10 ms after `deadline`, unless cancelled first.
    func schedule(at deadline: ContinuousClock.Instant, _ fire: @escaping @Sendable () -> Void) -> Token {
        let slot = slotIndex(for: deadline, roundingUp: true)
        let (token, startTicker) = state.withLock { state -> (Token, Bool) in
            state.nextID &+= 1
            state.slots[slot, default: [:]][state.nextID] = fire
            let start = !state.isTicking
            state.isTicking = true
            return (Token(slot: slot, id: state.nextID), start)
        }
        if startTicker { Task.detached { await self.tick() } }
        return token
    }

    /// Forgets a callback that has not fired yet.
    func cancel(_ token: Token) {
        state.withLock { state in
            state.slots[token.slot]?[token.id] = nil
            if state.slots[token.slot]?.isEmpty == true { state.slots[token.slot] = nil }
        }
    }

    private func tick() async {
        while true {
            try? await Task.sleep(for: Self.resolution, tolerance: .milliseconds(2))
            let now = slotIndex(for: .now, roundingUp: false)
            // The decision to stop is taken under the lock, so exactly one ticker runs while timeouts are pending.
            let (due, keepTicking) = state.withLock { state -> ([@Sendable () -> Void], Bool) in
                var due: [@Sendable () -> Void] = []
                for slot in state.slots.keys where slot <= now {
                    due.append(contentsOf: state.slots.removeValue(forKey: slot)!.values)
                }
                if state.slots.isEmpty { state.isTicking = false }
                return (due, state.isTicking)
            }
            for fire in due { fire() }
            if !keepTicking { return }
        }
    }

    private func slotIndex(for instant: ContinuousClock.Instant, roundingUp: Bool) -> Int64 {
        let elapsed = (instant - origin).nanoseconds
        let width = Self.resolution.nanoseconds
        return Int64(roundingUp ? (elapsed + width - 1) / width : elapsed / width)
    }
}
