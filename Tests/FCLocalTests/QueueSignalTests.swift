import Testing

@testable import fc_local

/// The async queue's wake-up: a ring is never lost, a wait ends on a ring, on its limit or on cancellation.
///
/// Waits that must end early use a limit of `longWait` and are checked against half of it: the test process starts
/// dozens of function processes at once on two cores, and a task can wait ~12 s for a thread then (seen in CI).
struct QueueSignalTests {
    static let clock = ContinuousClock()
    static let longWait: Duration = .seconds(300)
    static let endedEarly: Duration = .seconds(150)

    @Test func aRingBeforeTheWaitIsRemembered() async {
        let signal = QueueSignal()
        signal.ring()
        let elapsed = await Self.clock.measure { await signal.wait(upTo: Self.longWait) }
        #expect(elapsed < Self.endedEarly)
    }

    @Test func aRingIsConsumedByOneWait() async {
        let signal = QueueSignal()
        signal.ring()
        signal.ring()
        await signal.wait(upTo: Self.longWait)
        // Two rings before one wait are one: the next wait runs to its limit.
        let elapsed = await Self.clock.measure { await signal.wait(upTo: .milliseconds(200)) }
        #expect(elapsed >= .milliseconds(200))
    }

    @Test func aWaitWithoutRingEndsAtItsLimit() async {
        let signal = QueueSignal()
        let elapsed = await Self.clock.measure { await signal.wait(upTo: .milliseconds(100)) }
        #expect(elapsed >= .milliseconds(100))
    }

    @Test func aRingWakesTheWaitingWorker() async {
        let signal = QueueSignal()
        let waiter = Task { await Self.clock.measure { await signal.wait(upTo: Self.longWait) } }
        try? await Task.sleep(for: .milliseconds(100))
        signal.ring()
        let elapsed = await waiter.value
        #expect(elapsed >= .milliseconds(100))
        #expect(elapsed < Self.endedEarly)
    }

    @Test func cancellingTheWaitingTaskEndsTheWait() async {
        let signal = QueueSignal()
        let waiter = Task { await Self.clock.measure { await signal.wait(upTo: Self.longWait) } }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        #expect(await waiter.value < Self.endedEarly)
        // The cancelled wait left no waiter behind: a ring is remembered for the next one.
        signal.ring()
        #expect(await Self.clock.measure { await signal.wait(upTo: Self.longWait) } < Self.endedEarly)
    }
}
