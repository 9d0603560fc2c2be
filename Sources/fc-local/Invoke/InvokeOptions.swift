import ArgumentParser
import Foundation

/// The event of an event invocation.
struct EventOptions: ParsableArguments {
    @Option(help: "The event text (for example JSON).")
    var event: String?

    @Option(help: "Read the event from a file; - reads standard input.")
    var eventFile: String?

    @Option(help: "The event's content type; a JSON type makes fc-local check that the event is valid JSON.")
    var contentType: String = "application/octet-stream"

    func request() throws -> InvocationRequest {
        guard event == nil || eventFile == nil else { throw LocalError.usage("use --event or --event-file, not both") }
        let body = try eventFile.map { try readInput($0, what: "the event file") } ?? Data((event ?? "").utf8)
        if contentType.lowercased().contains("json") {
            do {
                _ = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
            } catch {
                throw LocalError.usage("the event is not valid JSON (content type \(contentType))")
            }
        }
        return InvocationRequest(method: "POST", path: "/invoke", headers: [("Content-Type", contentType)], body: body, isHTTP: false)
    }
}

/// The request of an HTTP-trigger invocation.
struct HTTPOptions: ParsableArguments {
    @Flag(name: .customLong("http"), help: "Send an HTTP-trigger invocation (x-fc-control-path: /http-invoke).")
    var enabled = false

    @Option(help: "The HTTP method.")
    var method: String = "GET"

    @Option(help: "The path, with its query.")
    var path: String = "/"

    @Option(name: .customShort("H"), help: "A header, 'Name: value' (repeatable).")
    var header: [String] = []

    @Option(help: "The request body.")
    var data: String?

    @Option(help: "Read the request body from a file; - reads standard input.")
    var dataFile: String?

    func request() throws -> InvocationRequest {
        guard path.hasPrefix("/") else { throw LocalError.usage("--path must start with /") }
        let headers = try header.map { text -> (String, String) in
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
                throw LocalError.usage("a header must look like 'Name: value', got '\(text)'")
            }
            return (String(text[..<colon]).trimmingCharacters(in: .whitespaces), String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        let body = try dataFile.map { try readInput($0, what: "the data file") } ?? Data((data ?? "").utf8)
        return InvocationRequest(method: method.uppercased(), path: path, headers: headers, body: body, isHTTP: true)
    }
}

/// The platform's view of the function: names, limits, and the headers and environment FC sends.
struct PlatformOptions: ParsableArguments {
    @Option(help: "x-fc-function-handler.")
    var handler: String = "index.handler"

    @Flag(help: "Call POST /initialize before the invocation, as FC does when an initializer is configured.")
    var initializer = false

    @Option(help: "The invocation timeout in seconds.")
    var timeout: Double = 60

    @Option(help: "The function's memory in MB.")
    var memory: Int = 512

    @Option(help: "The service name (FC 2.0).")
    var service: String = "default"

    @Option(help: "The function name.")
    var function: String = "hello"

    @Option(help: "The qualifier.")
    var qualifier: String = "LATEST"

    @Option(help: "The region.")
    var region: String = "cn-hangzhou"

    @Option(help: "Listen on this port instead of a free one.")
    var port: Int?

    var accountID: String { ProcessInfo.processInfo.environment["ALIBABA_CLOUD_ACCOUNT_ID"] ?? "1234567890" }

    /// The contract as `fc-local invoke` plays it: an initializer named `index.initializer` when asked for.
    var contract: PlatformContract {
        PlatformContract(
            service: service, function: function, handler: handler, initializer: initializer ? "index.initializer" : nil,
            initializationTimeoutSeconds: timeout, memoryMB: memory, timeoutSeconds: timeout, region: region, qualifier: qualifier,
            accountID: accountID)
    }

    /// FC's environment for the instance (CONTRACT §1).
    func environment(port: Int, handler: String) -> [String: String] {
        var contract = contract
        contract.handler = handler
        return contract.environment(port: port, instanceID: "c-local-" + UUID().uuidString.prefix(8).lowercased())
    }

    /// The headers FC sends with every call (CONTRACT §2).
    func headers(requestID: String, controlPath: String) -> [(String, String)] {
        contract.headers(requestID: requestID, controlPath: controlPath)
    }
}

/// The contents of `path`, or standard input for `-`.
func readInput(_ path: String, what: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    guard let data = FileManager.default.contents(atPath: path) else { throw LocalError.usage("cannot read \(what) \(path)") }
    return data
}
