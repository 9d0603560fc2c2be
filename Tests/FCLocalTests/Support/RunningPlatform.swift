import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ProcessTestSupport

/// A real `fc-local start` process on a free port with its own state directory, and an HTTP client for it.
struct RunningPlatform {
    let run: FCLocalRun.Running
    let port: Int
    let stateDirectory: String
    let authToken: String
    let projectID: String

    /// What an API answered.
    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        /// The body as a JSON object (empty when it is not one).
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    /// A fresh state directory under the temporary directory.
    static func newStateDirectory() -> String {
        let path = NSTemporaryDirectory() + "fc-local-test-" + UUID().uuidString.prefix(8)
        return path
    }

    /// Writes `yaml` to a temporary file and returns its path.
    static func configFile(_ yaml: String) throws -> String {
        let path = NSTemporaryDirectory() + "fc-local-test-" + UUID().uuidString.prefix(8) + ".yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts `fc-local start` (products prebuilt next to the test bundle) and waits until it listens.
    static func start(
        config: String? = nil, stateDirectory: String = newStateDirectory(), authToken: String = "test-token",
        projectID: String = "0123456789abcdef0123456789abcdef", extra: [String] = [], environment: [String: String] = [:]
    ) async throws -> RunningPlatform {
        var arguments = [
            "start", "--port", "0", "--no-build", "--state-dir", stateDirectory, "--auth-token", authToken, "--project-id", projectID,
        ]
        if let config { arguments += ["--config", config] }
        let run = try FCLocalRun.start(arguments + extra, environment: environment)
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ContinuousClock.now < deadline {
            if let port = listeningPort(in: run.stderr.text) {
                return RunningPlatform(run: run, port: port, stateDirectory: stateDirectory, authToken: authToken, projectID: projectID)
            }
            guard run.process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        if run.process.isRunning { kill(run.process.processIdentifier, SIGKILL) }
        throw PlatformStartFailure(stderr: run.stderr.text)
    }

    /// Runs `body` against a platform serving `config` (YAML text), and always stops the platform afterwards.
    static func with<T>(
        config: String? = nil, stateDirectory: String = newStateDirectory(), environment: [String: String] = [:],
        _ body: (RunningPlatform) async throws -> T
    ) async throws -> T {
        let platform = try await start(config: try config.map(configFile), stateDirectory: stateDirectory, environment: environment)
        do {
            let result = try await body(platform)
            try await platform.stop()
            return result
        } catch {
            _ = try? await platform.stop()
            throw error
        }
    }

    private static func listeningPort(in text: String) -> Int? {
        guard let range = text.range(of: "listening on http://127.0.0.1:") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// Sends a request to the platform.
    func request(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: Data? = nil, timeout: TimeAmount = .seconds(30)
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
    }

    /// Sends an event invocation through FC's invoke API.
    func invoke(
        service: String = "default", function: String = "hello", event: String = "", headers: [(String, String)] = []
    ) async throws -> Answer {
        try await request(.POST, "/2016-08-15/services/\(service)/functions/\(function)/invocations", headers: headers, body: Data(event.utf8))
    }

    /// SIGTERM, then waits for the exit (SIGKILL after `limit`); returns the exit status.
    @discardableResult
    func stop(limit: Duration = .seconds(30)) async throws -> Int32 {
        kill(run.process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now.advanced(by: limit)
        while run.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if run.process.isRunning { kill(run.process.processIdentifier, SIGKILL) }
        guard run.process.waitForExit() else { throw ProcessDidNotExit(pid: run.process.processIdentifier) }
        return run.process.terminationStatus
    }

    /// SIGKILL at once (a crash), waiting for the exit.
    func killHard() {
        kill(run.process.processIdentifier, SIGKILL)
        run.process.waitForExit()
    }
}

/// `fc-local start` exited or never listened.
struct PlatformStartFailure: Error, CustomStringConvertible {
    let stderr: String
    var description: String { "fc-local start did not listen:\n\(stderr)" }
}
