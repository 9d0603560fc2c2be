import Foundation
import NIOHTTP1

/// What the caller asked the platform to run.
struct InvocationInput: Sendable {
    /// Event invocation (`POST /invoke`) or HTTP-trigger invocation (the caller's method, path and headers).
    enum Kind: Sendable {
        case event
        case http(method: HTTPMethod, pathAndQuery: String, basePath: String)
    }

    let key: FunctionKey
    let kind: Kind
    /// The caller's headers passed on to the function (never the caller's `x-fc-*`).
    let headers: [(String, String)]
    let body: Data
    let requestID: String
    /// `sync`, `async` or `http`, as recorded.
    let trigger: String
    /// When the platform received the request.
    let receivedAt: Date
    let started: ContinuousClock.Instant
    /// The attempt's number minus one (`x-fc-retry-count`; async invocations are retried).
    var retryCount = 0
    /// Whether a throttled attempt is recorded (not for the async queue's waits: they are not invocations).
    var recordsThrottling = true
}

/// What the platform answers, with the record it kept.
struct InvocationAnswer: Sendable {
    let status: Int
    let headers: [(String, String)]
    let body: Data
    let outcome: InvocationOutcome
    let errorType: String?
    /// The function's log lines for this invocation (for `x-fc-log-type: Tail`).
    let logLines: [String]
    /// False when the instance must go: it exited, or did not answer in time.
    var instanceHealthy = true
}

/// Runs one invocation on the platform: lease an instance (cold start when needed), call it with FC's headers and
/// the platform span context when tracing is on, wait for its `FCInsights` record, keep the invocation record and
/// the platform spans, and give the instance back.
struct InvocationService: Sendable {
    let platform: Platform

    /// Extra time the platform waits past the function's timeout before it gives up on the instance.
    static let grace: Duration = .seconds(3)

    func invoke(_ input: InvocationInput) async -> InvocationAnswer {
        guard let pool = platform.pools[input.key], let function = platform.function(input.key) else {
            return InvocationAnswer(status: 404, headers: [], body: Data(), outcome: .clientError, errorType: "FunctionNotFound", logLines: [])
        }
        let tracing = try? await TracingSettings.of(input.key, store: platform.store)
        let trace = tracing == nil ? nil : PlatformTrace()
        let traceHeaders = trace?.headers(endpoint: platform.jaegerEndpoint) ?? []
        let lease: InstancePool.Lease
        do {
            lease = try await pool.acquire(traceHeaders: traceHeaders)
        } catch {
            let answer = Self.answer(for: error, input: input, function: function)
            if answer.outcome == .throttled, !input.recordsThrottling { return answer }
            await keep(input, answer: answer, function: function, lease: nil, insights: nil, concurrency: await pool.invocationsInFlight + 1)
            return answer
        }
        lease.relay.beginCapture(input.requestID)
        let reply = await InstanceCall.send(
            to: lease.instance.port, method: method(input), path: path(input),
            headers: callHeaders(input, pool: pool, traceHeaders: traceHeaders), body: input.body,
            timeout: .seconds(function.timeoutSeconds) + Self.grace)
        let insights = await lease.relay.insights(for: input.requestID, timeout: lease.relay.writesInsights ? .milliseconds(500) : .milliseconds(20))
        let lines = lease.relay.endCapture(input.requestID)
        let answer = await InvocationAnswerBuilder(input: input, function: function).answer(for: reply, insights: insights, instance: lease.instance, logLines: lines)
        await pool.release(lease, healthy: answer.instanceHealthy)
        await keep(input, answer: answer, function: function, lease: lease, insights: insights, concurrency: lease.concurrency)
        if let trace {
            let end = PlatformTrace.nowMicroseconds
            let start = Int64(input.receivedAt.timeIntervalSince1970 * 1_000_000)
            try? await platform.store.save(
                trace.platformSpans(serviceName: input.key.applicationName, requestStart: start, requestEnd: end, coldStart: lease.coldStart))
        }
        return answer
    }

    private func method(_ input: InvocationInput) -> HTTPMethod {
        if case .http(let method, _, _) = input.kind { return method }
        return .POST
    }

    private func path(_ input: InvocationInput) -> String {
        if case .http(_, let pathAndQuery, _) = input.kind { return pathAndQuery }
        return "/invoke"
    }

    private func callHeaders(_ input: InvocationInput, pool: InstancePool, traceHeaders: [(String, String)]) -> [(String, String)] {
        var headers = input.headers
        switch input.kind {
        case .event:
            headers += pool.contract.headers(requestID: input.requestID, controlPath: "/invoke", retryCount: input.retryCount)
        case .http(_, _, let basePath):
            headers += pool.contract.headers(requestID: input.requestID, controlPath: "/http-invoke")
            headers += [("x-fc-base-path", basePath), ("x-fc-client-ip", "127.0.0.1")]
        }
        return headers + traceHeaders
    }

    /// The answer when no instance could be lent.
    private static func answer(for error: InstancePool.AcquireError, input: InvocationInput, function: FunctionConfiguration) -> InvocationAnswer {
        switch error {
        case .throttled(let limit):
            return PlatformErrorAnswer.make(
                429, code: "ResourceThrottled", outcome: .throttled,
                message: "\(input.key) is busy: \(function.maxInstances) instance(s) × \(function.instanceConcurrency) concurrent invocation(s) = \(limit) are all in use; retry later or raise maxInstances/instanceConcurrency")
        case .startFailed(let failure):
            return PlatformErrorAnswer.make(
                502, code: "FunctionNotStarted", outcome: .serverError,
                message: "an instance of \(input.key) could not start: \(failure.message)")
        case .initializerFailed(_, let body, _):
            return InvocationAnswer(
                status: input.trigger == "http" ? 502 : 200,
                headers: [("Content-Type", "application/json"), ("x-fc-error-type", "UnhandledInvocationError")], body: body,
                outcome: .functionError, errorType: "FunctionInitializationError", logLines: [])
        }
    }

    /// Builds the invocation's record from the platform's view and the function's `FCInsights`, and keeps it.
    private func keep(
        _ input: InvocationInput, answer: InvocationAnswer, function: FunctionConfiguration, lease: InstancePool.Lease?,
        insights: InsightsSummary?, concurrency: Int
    ) async {
        let record = InvocationRecord(
            requestID: input.requestID, region: platform.settings.region, service: input.key.service, function: input.key.function,
            trigger: input.trigger, startedAt: Int64(input.receivedAt.timeIntervalSince1970 * 1000),
            latencyMs: (ContinuousClock.now - input.started).milliseconds, status: answer.status, outcome: answer.outcome,
            errorType: answer.errorType, durationMs: Self.plausible(insights?.durationMs, upTo: 86_400_000),
            memoryUsageMB: Self.plausible(insights?.memoryUsageMB, upTo: 1_048_576), memoryMB: function.memoryMB,
            isColdStart: insights?.isColdStart ?? (lease?.coldStart != nil), concurrency: concurrency, instanceID: lease?.instanceID)
        await platform.keep(record)
    }
}

extension InvocationService {
    /// A figure from the function's own record, kept only when it is a sane number (a function can print anything).
    static func plausible(_ value: Double?, upTo limit: Double) -> Double? {
        guard let value, value.isFinite, value >= 0, value <= limit else { return nil }
        return value
    }
}

/// Platform error answers: FC's `{"ErrorCode", "ErrorMessage"}` body.
enum PlatformErrorAnswer {
    static func make(_ status: Int, code: String, outcome: InvocationOutcome, message: String) -> InvocationAnswer {
        let body = (try? JSONSerialization.data(withJSONObject: ["ErrorCode": code, "ErrorMessage": message], options: [.sortedKeys])) ?? Data()
        return InvocationAnswer(status: status, headers: [("Content-Type", "application/json")], body: body, outcome: outcome, errorType: code, logLines: [])
    }
}
