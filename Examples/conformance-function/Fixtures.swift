#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FCRuntime
import Synchronization

/// The error the `fail` handler throws; its description is the event text.
struct FixtureError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Counts initializer runs across concurrent calls.
final class InitializerCounter: Sendable {
    private let runs = Atomic<Int>(0)
    var value: Int { runs.load(ordering: .relaxed) }
    func increment() -> Int { runs.add(1, ordering: .relaxed).newValue }
}

/// Reads one environment variable.
enum ProcessInfoLite {
    static func environment(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }
}

struct SleepRequest: Decodable { let ms: Int }
struct SleepReply: Encodable { let slept: Int }
struct GreetingRequest: Decodable { let name: String }
struct GreetingReply: Encodable { let greeting: String }

/// The `large` handler's event: `{"mb": N}`.
struct LargeRequest: Decodable {
    let mb: Int

    /// N MiB of `x`, written into one buffer (N is clamped to 0...1024).
    static func body(for event: ByteBuffer) throws -> ByteBuffer {
        let request = try JSONDecoder().decode(LargeRequest.self, from: Data(event.readableBytesView))
        let count = min(max(request.mb, 0), 1024) * 1024 * 1024
        var body = ByteBufferAllocator().buffer(capacity: count)
        body.writeRepeatingByte(UInt8(ascii: "x"), count: count)
        return body
    }
}

extension Encodable {
    /// The value as compact JSON with sorted keys.
    func jsonBuffer() throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: try encoder.encode(self))
    }
}

struct HTTPEcho: Encodable {
    let method: String
    let path: String
    let query: String
    let headers: [String: String]
    let body: String
}

/// The `context` handler's reply: every context field, with secrets reduced to whether they are present.
struct ContextReport: Encodable {
    struct Tracing: Encodable {
        let openTracingSpanContext: String
        let openTracingSpanBaggages: [String: String]
        let traceId: String?
        let spanId: String?
        let sampled: Bool?
    }

    let requestId, functionName, functionHandler: String
    let memoryMB: Int
    let timeoutSeconds: Double
    let initializer: String
    let initializationTimeoutSeconds: Double
    let serviceName, logProject, logStore, qualifier, versionId, region, accountId: String
    let retryCount: Int
    let accessKeyId: String
    let hasAccessKeySecret, hasSecurityToken: Bool
    let remainingTimeMs: Int
    let initializerRuns: Int
    let isColdStart: Bool
    let instanceId, clientIp, basePath: String
    let tracing: Tracing?

    init(_ context: FCContext, initializerRuns: Int) {
        requestId = context.requestID
        functionName = context.function.name
        functionHandler = context.function.handler
        memoryMB = context.function.memoryMB
        timeoutSeconds = Self.seconds(context.function.timeout)
        initializer = context.function.initializer
        initializationTimeoutSeconds = Self.seconds(context.function.initializationTimeout)
        serviceName = context.service.name
        logProject = context.service.logProject
        logStore = context.service.logStore
        qualifier = context.service.qualifier
        versionId = context.service.versionID
        region = context.region
        accountId = context.accountID
        retryCount = context.retryCount
        accessKeyId = context.credentials.accessKeyID
        hasAccessKeySecret = !context.credentials.accessKeySecret.isEmpty
        hasSecurityToken = !context.credentials.securityToken.isEmpty
        let remaining = context.remainingTime.components
        remainingTimeMs = Int(remaining.seconds * 1000 + remaining.attoseconds / 1_000_000_000_000_000)
        self.initializerRuns = initializerRuns
        isColdStart = context.isColdStart
        instanceId = context.instanceID
        clientIp = context.clientIP
        basePath = context.basePath
        let tracing = context.tracing
        self.tracing = tracing.isPresent
            ? Tracing(
                openTracingSpanContext: tracing.openTracingSpanContext,
                openTracingSpanBaggages: tracing.openTracingSpanBaggages,
                traceId: tracing.spanContext?.traceIDHex,
                spanId: tracing.spanContext?.spanIDHex,
                sampled: tracing.spanContext?.isSampled)
            : nil
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
