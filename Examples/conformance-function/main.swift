import FCRuntime

// The fixture the end-to-end tests (and anyone checking the contract) run: one handler per behaviour of the
// contract. See the README's "conformance-function" section for what each handler does.

var function = FunctionRuntime()
let initializerRuns = InitializerCounter()

function.event("echo", isDefault: true) { (event: ByteBuffer, _: FCContext) in event }

function.event("context") { (_: ByteBuffer, context: FCContext) in
    try ContextReport(context, initializerRuns: initializerRuns.value).jsonBuffer()
}

function.event("fail") { (event: String, _: FCContext) -> String in
    throw FixtureError(message: event.isEmpty ? "boom" : event)
}

// Kills the process when the event is "crash" (the emulator's crashed-instance tests), else echoes.
function.event("crash") { (event: String, _: FCContext) -> String in
    if event == "crash" { fatalError("crash requested by the event") }
    return event
}

// Prints the event with Swift's `print` (not the context's logger) and returns "ok": printed lines must leave at
// once, between the invocation's Start and End lines.
function.event("print") { (event: String, _: FCContext) -> String in
    print("printed: \(event)")
    return "ok"
}

function.event("sleep") { (request: SleepRequest, _: FCContext) in
    try await Task.sleep(for: .milliseconds(request.ms))
    return SleepReply(slept: request.ms)
}

// `{"mb": N}` → a body of N MiB of "x" bytes (0 ≤ N ≤ 1024; a bad event is a function error): large responses,
// readers that disconnect mid-response, and memory that must be released afterwards (HardeningTests).
function.event("large") { (event: ByteBuffer, _: FCContext) in try LargeRequest.body(for: event) }

function.event("json") { (request: GreetingRequest, _: FCContext) in
    GreetingReply(greeting: "Hello, \(request.name)!")
}

function.event("span") { (_: String, _: FCContext) -> String in
    try await withSpan("CustomSpan") { span in
        span.attributes["custom.attribute"] = "conformance"
        try await Task.sleep(for: .milliseconds(2))
    }
    return "ok"
}

function.event("trace-headers") { (_: String, context: FCContext) -> [String: String] in
    withSpan("Downstream", ofKind: .client) { _ in
        Dictionary(context.outgoingTraceHeaders.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

function.http("http") { request, _ in
    var headers: [String: String] = [:]
    for field in request.headers {
        let name = field.name.canonicalName.lowercased()
        headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
    }
    let echo = HTTPEcho(method: request.method.rawValue, path: request.path, query: request.query, headers: headers, body: request.bodyText)
    let status = request.queryParameter("status").flatMap(Int.init).map { HTTPResponse.Status(code: $0) } ?? .ok
    return FCHTTPResponse(status: status, headers: [.contentType: "application/json"], body: try echo.jsonBuffer())
}

function.initializer { context in
    let runs = initializerRuns.increment()
    context.logger.info("initializer run \(runs)")
    if ProcessInfoLite.environment("CONFORMANCE_INITIALIZER_FAILURES").flatMap(Int.init).map({ runs <= $0 }) ?? false {
        throw FixtureError(message: "initializer failure \(runs) of a configured number")
    }
}

function.preFreeze { context in context.logger.info("pre-freeze hook ran") }
function.preStop { context in context.logger.info("pre-stop hook ran") }

await function.run()
