import Testing

@testable import fc_local

/// The async queue's wake-up: a ring is never lost, a wait ends on a ring, on its limit or on cancellation.
struct QueueSignalTests {
    static let clock = ContinuousClock()

    @Test func aRingBeforeTheWaitIsRemembered() async {
        let signal = QueueSignal()
        signal.ring()
        let elapsed = await Self.clock.measure { await signal.wait(upTo: .seconds(30)) }
        #expect(elapsed < .seconds(10))
    }

    @Test func aRingIsConsumedByOneWait() async {
        let signal = QueueSignal()
        signal.ring()
        signal.ring()
        await signal.wait(upTo: .seconds(30))
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
        let waiter = Task { await Self.clock.measure { await signal.wait(upTo: .seconds(30)) } }
        try? await Task.sleep(for: .milliseconds(100))
        signal.ring()
        let elapsed = await waiter.value
        #expect(elapsed >= .milliseconds(100))
        #expect(elapsed < .seconds(10))
    }

    @Test func cancellingTheWaitingTaskEndsTheWait() async {
        let signal = QueueSignal()
        let waiter = Task { await Self.clock.measure { await signal.wait(upTo: .seconds(30)) } }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        #expect(await waiter.value < .seconds(10))
        // The cancelled wait left no waiter behind: a ring is remembered for the next one.
        signal.ring()
        #expect(await Self.clock.measure { await signal.wait(upTo: .seconds(30)) } < .seconds(10))
    }
}
