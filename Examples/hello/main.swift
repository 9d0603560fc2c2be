import FCRuntime

/// The smallest useful function: greets the name in the event, logging one line.
var function = FunctionRuntime()
function.event("hello") { (event: String, context: FCContext) in
    let name = event.isEmpty ? "Function Compute" : event
    context.logger.info("greeting \(name)")
    return "Hello, \(name)!"
}
await function.run()
