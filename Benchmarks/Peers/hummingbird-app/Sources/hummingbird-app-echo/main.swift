import Foundation
import HTTPTypes
import Hummingbird
import Logging

// POST /invoke answers the event with `x-fc-status: 200`, the way a user would write an FC function directly on
// Hummingbird's Application and Router. Same port variables as the runtime.
let environment = ProcessInfo.processInfo.environment
let port = Int(environment["FC_CUSTOM_LISTEN_PORT"] ?? environment["FC_SERVER_PORT"] ?? "9000") ?? 9000
let status = HTTPField.Name("x-fc-status")!

let router = Router()
router.post("/invoke") { request, _ -> Response in
    let body = try await request.body.collect(upTo: 32 * 1024 * 1024)
    return Response(status: .ok, headers: [status: "200"], body: .init(byteBuffer: body))
}
var logger = Logger(label: "hummingbird-app-echo")
logger.logLevel = .warning
let app = Application(
    router: router, configuration: .init(address: .hostname("0.0.0.0", port: port)), logger: logger)
try await app.runService()
