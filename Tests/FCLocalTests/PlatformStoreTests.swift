import Foundation
import Testing

@testable import fc_local

/// The state database on its own: retention, the async queue's order and requeueing, tracing settings.
struct PlatformStoreTests {
    static func invocation(_ id: String, at milliseconds: Int64) -> InvocationRecord {
        InvocationRecord(
            requestID: id, region: "cn-hangzhou", service: "s", function: "f", trigger: "sync", startedAt: milliseconds, latencyMs: 1,
            status: 200, outcome: .success, errorType: nil, durationMs: 1, memoryUsageMB: 10, memoryMB: 128, isColdStart: false,
            concurrency: 1, instanceID: "i")
    }

    static func queued(_ id: String, at milliseconds: Int64, state: AsyncInvocationRecord.State = .queued) -> AsyncInvocationRecord {
        AsyncInvocationRecord(
            id: nil, requestID: id, service: "s", function: "f", payload: Data(id.utf8), headers: "{}", enqueuedAt: milliseconds,
            state: state, attempts: 0, status: nil, response: nil, errorType: nil, finishedAt: state == .queued ? nil : milliseconds)
    }

    @Test func recordsOlderThan31DaysArePrunedButQueuedInvocationsNever() async throws {
        let store = try PlatformStore(directory: RunningPlatform.newStateDirectory())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let nowMs: Int64 = 1_800_000_000_000
        let day: Int64 = 86_400_000
        try await store.record(Self.invocation("old", at: nowMs - 32 * day))
        try await store.record(Self.invocation("recent", at: nowMs - 30 * day))
        _ = try await store.enqueue(Self.queued("old-queued", at: nowMs - 40 * day))
        _ = try await store.enqueue(Self.queued("old-done", at: nowMs - 40 * day, state: .succeeded))
        try await store.save([
            CollectedSpan(
                traceID: String(repeating: "a", count: 32), spanID: String(repeating: "b", count: 16), parentSpanID: nil, name: "Old",
                startMicroseconds: (nowMs - 32 * day) * 1000, durationMicroseconds: 1, serviceName: "FC:s/f", tags: [], flags: 1)
        ])
        try await store.prune(now: now)
        #expect(try await store.invocations(startedIn: 0...Int64.max).map(\.requestID) == ["recent"])
        #expect(try await store.asyncInvocation(requestID: "old-queued")?.state == .queued)
        #expect(try await store.asyncInvocation(requestID: "old-done") == nil)
        #expect(try await store.spans(ofTrace: String(repeating: "a", count: 32)).isEmpty)
    }

    @Test func theQueueIsTakenOldestFirstAndInterruptedInvocationsAreRequeued() async throws {
        let store = try PlatformStore(directory: RunningPlatform.newStateDirectory())
        let key = FunctionKey(service: "s", function: "f")
        for index in 0..<3 { _ = try await store.enqueue(Self.queued("q\(index)", at: Int64(index))) }
        let first = try #require(try await store.takeNextQueued(for: key))
        #expect(first.requestID == "q0" && first.state == .running && first.attempts == 1)
        #expect(try await store.takeNextQueued(for: key)?.requestID == "q1")
        // fc-local died with q0 and q1 running: both run again, in their order, before q2.
        try store.requeueInterrupted()
        #expect(try await store.takeNextQueued(for: key)?.requestID == "q0")
        #expect(try await store.takeNextQueued(for: key)?.requestID == "q1")
        #expect(try await store.takeNextQueued(for: key)?.requestID == "q2")
        #expect(try await store.takeNextQueued(for: key) == nil)
        #expect(try store.functionsWithQueuedInvocations().isEmpty)
    }

    @Test func theDatabaseIsReadableByItsOwnerOnly() throws {
        let directory = RunningPlatform.newStateDirectory()
        let store = try PlatformStore(directory: directory)
        let permissions = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let directoryPermissions = try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int
        #expect(directoryPermissions == 0o700)
    }
}
