import Foundation

/// Turns an instance's reply into what the platform answers and records (CONTRACT §3): `x-fc-status: 404` is the
/// function's error (`x-fc-error-type: UnhandledInvocationError`); no answer in time is a timeout; a broken
/// connection is the platform's error (502).
struct InvocationAnswerBuilder {
    let input: InvocationInput
    let function: FunctionConfiguration

    /// Response headers of an HTTP function that the platform sets itself or that describe the hop.
    private static let droppedHeaders: Set<String> = ["x-fc-status", "content-length", "transfer-encoding", "connection", "keep-alive"]

    private var isHTTP: Bool {
        if case .http = input.kind { return true }
        return false
    }

    func answer(for reply: InstanceCall.Reply, insights: InsightsSummary?, instance: FunctionInstance, logLines: [String]) async -> InvocationAnswer {
        switch reply {
        case .answered(let status, let headers, let body):
            let failed = headers.contains { $0.0.lowercased() == "x-fc-status" && $0.1.trimmingCharacters(in: .whitespaces) == "404" }
            let errorType = failed ? insights?.errorType ?? Self.errorType(in: body) ?? "FunctionUnhandledError" : nil
            var passed = headers.filter { !Self.droppedHeaders.contains($0.0.lowercased()) }
            if !isHTTP { passed = passed.filter { $0.0.lowercased() == "content-type" } }
            if failed { passed.append(("x-fc-error-type", "UnhandledInvocationError")) }
            let answerStatus = isHTTP ? (failed ? 502 : status) : 200
            return InvocationAnswer(
                status: answerStatus, headers: passed, body: body, outcome: failed ? .functionError : .success, errorType: errorType, logLines: logLines)
        case .timedOut:
            let seconds = function.timeoutSeconds == function.timeoutSeconds.rounded() ? String(Int(function.timeoutSeconds)) : String(function.timeoutSeconds)
            let body = Self.json(["errorMessage": "Function timed out after \(seconds) seconds (no answer; the instance was stopped)", "errorType": "FunctionTimeoutError"])
            return InvocationAnswer(
                status: isHTTP ? 502 : 200, headers: [("Content-Type", "application/json"), ("x-fc-error-type", "UnhandledInvocationError")],
                body: body, outcome: .functionError, errorType: "FunctionTimeoutError", logLines: logLines, instanceHealthy: false)
        case .unreachable(let reason):
            // A connection that breaks because the process died: give the exit a moment to be seen.
            var exited = instance.hasExited
            for _ in 0..<30 where !exited {
                try? await Task.sleep(for: .milliseconds(10))
                exited = instance.hasExited
            }
            let message = exited
                ? "the instance of \(input.key) exited (\(instance.exitDescription)) before answering request \(input.requestID); a new instance starts on the next request"
                : "the instance of \(input.key) could not be reached for request \(input.requestID): \(reason)"
            var answer = PlatformErrorAnswer.make(502, code: exited ? "InstanceExited" : "InstanceUnreachable", outcome: .serverError, message: message)
            // Only an exited instance is replaced: a malformed answer fails this call alone, not the instance's others.
            answer = InvocationAnswer(
                status: answer.status, headers: answer.headers, body: answer.body, outcome: answer.outcome, errorType: answer.errorType,
                logLines: logLines, instanceHealthy: !exited)
            return answer
        }
    }

    private static func errorType(in body: Data) -> String? {
        (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["errorType"] as? String
    }

    private static func json(_ object: [String: String]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}
