#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix

// The floor for our stack: HummingbirdCore's HTTP/1 server answering POST /invoke with the body it received and
// `x-fc-status: 200`, with nothing else (no context, no lines, no timeout race). Same port variables as the runtime.
// POSTs to /api/traces and /v1/traces get 202 and no body: the tracing benchmark uses it as its loopback collector.

// With BENCH_FC_LINES=1 it also writes the two FC lines of each invocation (`FC Invoke Start/End RequestId: …`),
// one write(2) each, as the contract asks of every runtime: the floor for the stack *and* the contract's output.

let environment = ProcessInfoShim.environment
let writesLines = environment["BENCH_FC_LINES"] == "1"
let requestIDName = HTTPField.Name("x-fc-request-id")!

/// One whole line in one write(2), as the runtime writes its lines when it is idle.
func writeLine(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
}

let port = Int(environment["FC_CUSTOM_LISTEN_PORT"] ?? environment["FC_SERVER_PORT"] ?? "9000") ?? 9000
let status = HTTPField.Name("x-fc-status")!
var logger = Logger(label: "hummingbird-echo")
logger.logLevel = .warning

let server = Server(
    childChannelSetup: HTTP1Channel(responder: { request, writer, _ in
        let body = try await request.body.collect(upTo: 32 * 1024 * 1024)
        // As a span sink for the tracing benchmark it answers like a Jaeger collector: 202, empty body.
        if request.uri.path == "/api/traces" || request.uri.path == "/v1/traces" {
            try await writer.write(response: Response(status: .accepted).head, body: ResponseBody())
            return
        }
        let requestID = writesLines ? request.headers[requestIDName] ?? "-" : ""
        if writesLines { writeLine("FC Invoke Start RequestId: \(requestID)") }
        let response = Response(status: .ok, headers: [status: "200"], body: .init(byteBuffer: body))
        if writesLines { writeLine("FC Invoke End RequestId: \(requestID)") }
        try await writer.write(response: response.head, body: response.body)
    }),
    configuration: .init(address: .hostname("0.0.0.0", port: port)),
    onServerRunning: { channel in print("listening on 0.0.0.0:\(channel.localAddress?.port ?? port)\nFunctionCompute swift runtime inited.") },
    eventLoopGroup: NIOSingletons.posixEventLoopGroup,
    logger: logger
)
try await server.run()
