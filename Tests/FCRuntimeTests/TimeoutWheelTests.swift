import Synchronization
import Testing

@testable import FCRuntime

/// The timer behind every invocation's deadline. Each test uses its own wheel, so that invocations of other tests
/// running at the same time cannot change its counts.
@Suite struct TimeoutWheelTests {
    /// Waits (bounded) until `condition` holds.
    private func eventually(_ condition: () -> Bool) async {
        for _ in 0..<200 where !condition() { try? await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func firesOnceAfterTheDeadlineAndNotBefore() async {
        let wheel = TimeoutWheel()
        let fired = TestCounter()
        let scheduledAt = ContinuousClock.now
        let firedAt = Mutex<ContinuousClock.Instant?>(nil)
        _ = wheel.schedule(at: scheduledAt.advanced(by: .milliseconds(60))) {
            fired.increment()
            firedAt.withLock { $0 = .now }
        }
        #expect(wheel.pendingCount == 1)
        await eventually { fired.value > 0 }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(fired.value == 1)
        let elapsed = firedAt.withLock { $0 }.map { $0 - scheduledAt }
        #expect(elapsed.map { $0 >= .milliseconds(60) } == true, "fired after \(String(describing: elapsed))")
        #expect(wheel.pendingCount == 0)
    }

    @Test func aCancelledCallbackNeverFires() async {
        let wheel = TimeoutWheel()
        let fired = TestCounter()
        let token = wheel.schedule(at: .now.advanced(by: .milliseconds(30))) { fired.increment() }
        wheel.cancel(token)
        #expect(wheel.pendingCount == 0)
        try? await Task.sleep(for: .milliseconds(120))
        #expect(fired.value == 0)
    }

    /// A token whose entry was freed and handed to a later callback must not cancel that callback.
    @Test func aStaleTokenDoesNotCancelTheEntrysNextCallback() async {
        let wheel = TimeoutWheel()
        let fired = TestCounter()
        let first = wheel.schedule(at: .now.advanced(by: .seconds(30))) { Issue.record("a cancelled callback fired") }
        wheel.cancel(first)
        _ = wheel.schedule(at: .now.advanced(by: .milliseconds(20))) { fired.increment() }
        wheel.cancel(first)  // stale: its entry now holds the second callback
        #expect(wheel.pendingCount == 1)
        await eventually { fired.value > 0 }
        #expect(fired.value == 1)
    }

    /// Many deadlines at once, half cancelled: exactly the others fire, each once.
    @Test func firesExactlyTheCallbacksLeftAmongMany() async {
        let wheel = TimeoutWheel()
        let fired = Mutex<[Int]>([])
        var tokens: [TimeoutWheel.Token] = []
        for number in 0..<200 {
            tokens.append(wheel.schedule(at: .now.advanced(by: .milliseconds(20 + (number % 5) * 20))) {
                fired.withLock { $0.append(number) }
            })
        }
        for (number, token) in tokens.enumerated() where number.isMultiple(of: 2) { wheel.cancel(token) }
        #expect(wheel.pendingCount == 100)
        await eventually { fired.withLock { $0.count } == 100 }
        try? await Task.sleep(for: .milliseconds(50))
        let numbers = fired.withLock { $0 }
        #expect(numbers.sorted() == Array(stride(from: 1, to: 200, by: 2)))
        #expect(wheel.pendingCount == 0)
    }

    /// The ticker stops when nothing is pending and starts again for the next callback.
    @Test func restartsAfterGoingIdle() async {
        let wheel = TimeoutWheel()
        let fired = TestCounter()
        _ = wheel.schedule(at: .now.advanced(by: .milliseconds(10))) { fired.increment() }
        await eventually { fired.value == 1 }
        try? await Task.sleep(for: .milliseconds(50))
        _ = wheel.schedule(at: .now.advanced(by: .milliseconds(10))) { fired.increment() }
        await eventually { fired.value == 2 }
        #expect(fired.value == 2)
    }
}
