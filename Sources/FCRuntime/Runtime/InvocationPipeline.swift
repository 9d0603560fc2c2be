import Instrumentation

/// The one place where every operation (event and HTTP invocations, the initializer, lifecycle hooks) is timed,
/// framed by its FC Start/End lines, raced against its timeout and mapped to a response. A `trailer` (the
/// `FCInsights` record of invocations, a complete line) is appended to the End line and leaves in the same write.
/// The End line is handed to the output before the operation returns, and so before its response is written.
struct InvocationPipeline: Sendable {
    let output: any LineOutput
    /// Room reserved after the End line for its trailer (an `FCInsights` record is ~450 bytes).
    static let trailerCapacity = 640

    /// What one operation produced.
    struct Result: Sendable {
        let response: RuntimeResponse
        let outcome: FCLogLine.Outcome
        /// The error body sent, when the operation failed.
        let error: ErrorBody?
        let duration: Duration
        /// Wall-clock start, in milliseconds since the epoch.
        let startedAtEpochMilliseconds: Int64
    }

    func run(
        _ operation: FCLogLine.Operation,
        context: FCContext,
        timeout: Duration,
        trailer: (Result, inout ByteWriter) -> Void = { _, _ in },
        serviceContext: ServiceContext? = nil,
        _ body: @escaping @Sendable () async throws -> RuntimeResponse
    ) async -> Result {
        FCLogLine.startLineWriter(operation, requestID: context.requestID).withUnsafeBytes { output.writeLine(bytes: $0) }
        if !context.headerWarnings.isEmpty {
            let logger = context.logger
            for warning in context.headerWarnings { logger.warning("\(warning)") }
        }
        let started = ContinuousClock.now
        let startedAtEpochMilliseconds = UTCTimestamp.epochMilliseconds()
        let response: RuntimeResponse
        let outcome: FCLogLine.Outcome
        var errorBody: ErrorBody?
        switch await DeadlineRace.run(timeout: timeout, serviceContext: serviceContext, operation: body) {
        case .finished(.success(let value)):
            (response, outcome) = (value, .success)
        case .finished(.failure(let error)):
            let body = (error as? ReportedFunctionError)?.body ?? ErrorBody(describing: error)
            context.logger.error("\(body.errorType): \(body.errorMessage)")
            (response, outcome, errorBody) = (.functionError(body), .unhandledError, body)
        case .timedOut:
            let error = FunctionTimeoutError(timeout: timeout)
            context.logger.error("\(error)")
            let body = ErrorBody(errorType: "FunctionTimeoutError", errorMessage: error.description)
            (response, errorBody) = (.functionError(body), body)
            outcome = .timedOut(seconds: FunctionTimeoutError.seconds(timeout))
        }
        let duration = ContinuousClock.now - started
        let result = Result(
            response: response, outcome: outcome, error: errorBody, duration: duration, startedAtEpochMilliseconds: startedAtEpochMilliseconds)
        // The End line and its record (FCInsights) leave in one write, so nothing can come between them.
        var lines = FCLogLine.endLineWriter(operation, requestID: context.requestID, outcome: outcome, extraCapacity: Self.trailerCapacity)
        trailer(result, &lines)
        lines.withUnsafeBytes { output.writeLine(bytes: $0) }
        return result
    }
}

/// An error whose response body was already decided (for example the initializer's failure, reported again by
/// the invocation that triggered it).
struct ReportedFunctionError: Error, Sendable {
    let body: ErrorBody
}
