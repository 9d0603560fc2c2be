import FuzzSupport
import HTTPTypes

@testable import FCRuntime

/// Header fields → `ContextParser.context(from:)` → everything a context is printed into: the description and
/// dump, the header warnings, the FC Start/End lines, the warning log lines and the FCInsights record.
///
/// Checks: every write is whole lines without control characters (no log injection); warnings stay short; the
/// request id leaves as one line; the parsed values respect their documented ranges; and a differential run with
/// the secrets (access key secret, security token, collector endpoint) swapped for placeholders prints exactly the
/// same — so no secret reaches any output.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzContext(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let environment: [String: String] = [
        "FC_FUNCTION_NAME": input.string(maxCount: 64), "FC_SERVICE_NAME": input.string(maxCount: 64),
        "FC_FUNCTION_MEMORY_SIZE": input.string(maxCount: 8), "FC_INSTANCE_ID": input.string(maxCount: 64),
    ]
    guard let configuration = try? RuntimeConfiguration.fromEnvironment(environment) else { return 0 }
    let fields = input.headerFields(maxCount: 40)
    let isColdStart = input.bool()
    trace("environment: \(environment)\nfields:\n" + fields.map { "  \($0.name): \($0.value)" }.joined(separator: "\n"))
    let now = ContinuousClock.now

    let output = CollectingOutput()
    let context = ContextParser(configuration: configuration, output: output).context(from: fields, isColdStart: isColdStart, now: now)
    requireDocumentedRanges(context, now: now)
    for warning in context.headerWarnings {
        LineRules.requireLineSafe(warning, what: "header warning")
        require(warning.utf8.count <= 1024, "a header warning of \(warning.utf8.count) bytes: \(visible(String(warning.prefix(200))))")
    }
    requireUsableEndpointIsSafe(context)
    let printed = Printed(context, output: output)

    // The differential run: only worth it when there is a secret to swap.
    guard !context.credentials.accessKeySecret.isEmpty || !context.credentials.securityToken.isEmpty || !context.tracing.jaegerEndpoint.isEmpty
    else { return 0 }
    let placeholderOutput = CollectingOutput()
    let placeholderContext = ContextParser(configuration: configuration, output: placeholderOutput).context(
        from: SecretPlaceholders.replacingSecrets(in: fields, of: context), isColdStart: isColdStart, now: now)
    let placeholderPrinted = Printed(placeholderContext, output: placeholderOutput)
    let normalized = printed.normalized(requestID: context.requestID)
    let placeholderNormalized = placeholderPrinted.normalized(requestID: placeholderContext.requestID)
    require(normalized == placeholderNormalized, "the output changes with the secrets' values:\n\(normalized.differences(from: placeholderNormalized))")
    return 0
}

/// Values the context promises whatever the headers say.
private func requireDocumentedRanges(_ context: FCContext, now: ContinuousClock.Instant) {
    require(!context.requestID.isEmpty, "empty request id")
    require(context.function.memoryMB >= 1, "memory \(context.function.memoryMB) MB")
    require(context.retryCount >= 0, "retry count \(context.retryCount)")
    for (name, timeout) in [("timeout", context.function.timeout), ("initialization timeout", context.function.initializationTimeout)] {
        require(timeout > .zero && timeout <= .seconds(86_400), "\(name) \(timeout)")
    }
    require(context.deadline == now.advanced(by: context.function.timeout), "the deadline is not now + timeout")
    require(!context.service.qualifier.isEmpty, "empty qualifier")
}

/// A collector URL the runtime accepted must split into a host and a request target that cannot break an HTTP
/// request line or header apart.
private func requireUsableEndpointIsSafe(_ context: FCContext) {
    guard context.tracing.hasUsableJaegerEndpoint else { return }
    let endpoint = context.tracing.jaegerEndpoint.value
    guard let target = CollectorConnection.target(for: endpoint) else { return require(false, "a usable endpoint without a target") }
    require(!target.host.isEmpty && (1...65535).contains(target.port) && target.target.hasPrefix("/"), "target \(target)")
    for part in [target.host, target.target, target.authority] {
        require(!part.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 || $0 == 0x20 }, "endpoint part \(visible(part))")
    }
}
