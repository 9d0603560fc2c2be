import Synchronization
import Testing

@testable import FCRuntime

@Suite struct DeadlineRaceTests {
    @Test func returnsTheResultWhenTheOperationFinishesFirst() async {
        let outcome = await DeadlineRace.run(timeout: .seconds(30)) { .success(ByteBuffer(string: "42")) }
        guard case .finished(.success(let response)) = outcome else { Issue.record("unexpected \(outcome)"); return }
        #expect(String(buffer: response.body) == "42")
    }

    @Test func passesThrownErrorsThrough() async {
        struct Failure: Error {}
        let outcome = await DeadlineRace.run(timeout: .seconds(30)) { () async throws -> RuntimeResponse in throw Failure() }
        guard case .finished(.failure(let error)) = outcome, error is Failure else { Issue.record("unexpected \(outcome)"); return }
    }

    @Test func timesOutAndCancelsACooperativeOperation() async {
        let cancelled = TestCounter()
        let outcome = await DeadlineRace.run(timeout: .milliseconds(50)) { () async throws -> RuntimeResponse in
            do { try await Task.sleep(for: .seconds(30)) } catch { cancelled.increment(); throw error }
            return .success(ByteBuffer())
        }
        guard case .timedOut = outcome else { Issue.record("unexpected \(outcome)"); return }
        try? await Task.sleep(for: .milliseconds(200))
        #expect(cancelled.value > 0)
    }

    /// A handler that ignores cancellation cannot hold the answer.
    @Test func answersEvenWhenTheOperationIgnoresCancellation() async {
        let outcome = await DeadlineRace.run(timeout: .milliseconds(50)) { () async -> RuntimeResponse in
            await Task.detached { try? await Task.sleep(for: .seconds(3)); return .success(ByteBuffer()) }.value
        }
        guard case .timedOut = outcome else { Issue.record("unexpected \(outcome)"); return }
    }
}

@Suite struct InitializerGateTests {
    private static func outcome(_ succeeded: Bool) -> InitializerGate.Outcome {
        .init(
            response: .success(ByteBuffer()),
            error: succeeded ? nil : ErrorBody(errorType: "E", errorMessage: "m"),
            duration: .zero)
    }

    @Test func concurrentCallersShareOneRun() async {
        let gate = InitializerGate()
        let runs = TestCounter()
        let results = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
            for _ in 0..<100 {
                group.addTask {
                    await gate.ensure {
                        runs.increment()
                        try? await Task.sleep(for: .milliseconds(50))
                        return Self.outcome(true)
                    }.outcome.succeeded
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(runs.value == 1)
        #expect(results.count == 100 && results.allSatisfy { $0 })
        #expect(gate.hasSucceeded)
        let again = await gate.ensure { runs.increment(); return Self.outcome(true) }
        #expect(again.reused)
        #expect(runs.value == 1)
    }

    @Test func aFailedRunIsRetriedByTheNextCaller() async {
        let gate = InitializerGate()
        let runs = TestCounter()
        let first = await gate.ensure { runs.increment(); return Self.outcome(false) }
        #expect(!first.outcome.succeeded)
        #expect(!gate.hasSucceeded)
        let second = await gate.ensure { runs.increment(); return Self.outcome(true) }
        #expect(second.outcome.succeeded && !second.reused)
        #expect(runs.value == 2)
    }
}
