import Foundation
import Synchronization

/// What to run: a product of this package, a custom-runtime code directory, or any command.
enum LaunchSpec: Sendable {
    case product(String, build: Bool)
    case codeDirectory(String)
    case command(String)
}

/// A function process started the way FC starts one: the platform's environment, a port to listen on, stdout
/// and stderr relayed line by line (and scanned for the runtime's records).
final class FunctionInstance: Sendable {
    let process: Process
    let port: Int
    let relay: OutputRelay
    let launchedAt: ContinuousClock.Instant
    /// Spawn → port accepting connections (FC's PrepareCode, as fc-local sees it).
    let readyAfter: Duration

    private init(process: Process, port: Int, relay: OutputRelay, launchedAt: ContinuousClock.Instant, readyAfter: Duration) {
        self.process = process
        self.port = port
        self.relay = relay
        self.launchedAt = launchedAt
        self.readyAfter = readyAfter
    }

    /// Starts the function and waits until its port accepts connections.
    static func launch(
        _ spec: LaunchSpec, environment: [String: String], port: Int, startTimeout: Duration, relay: OutputRelay
    ) async throws -> FunctionInstance {
        let process = Process()
        switch spec {
        case .product(let name, let build):
            process.executableURL = build ? try await ProductBuilder.binary(for: name) : try ProductBuilder.prebuilt(name)
        case .codeDirectory(let directory):
            let bootstrap = URL(fileURLWithPath: directory).appendingPathComponent("bootstrap")
            guard FileManager.default.isExecutableFile(atPath: bootstrap.path) else {
                throw LocalError.usage("no executable bootstrap in \(directory)")
            }
            process.executableURL = bootstrap
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
        case .command(let command):
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exec \(command)"]
        }
        process.environment = environment
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        relay.attach(stdout.fileHandleForReading)
        relay.attach(stderr.fileHandleForReading)
        let launchedAt = ContinuousClock.now
        do {
            try process.run()
        } catch {
            throw LocalError.startup("cannot start the function: \(error.localizedDescription)")
        }
        RunningChildren.shared.add(process)
        let deadline = launchedAt.advanced(by: startTimeout)
        while ContinuousClock.now < deadline {
            if PortProbe.accepts(port) {
                return FunctionInstance(process: process, port: port, relay: relay, launchedAt: launchedAt, readyAfter: .now - launchedAt)
            }
            if !process.isRunning {
                try? await Task.sleep(for: .milliseconds(50))
                throw LocalError.startup(
                    "the function exited with status \(process.terminationStatus) before listening on port \(port)", output: relay.recentOutput)
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        let instance = FunctionInstance(process: process, port: port, relay: relay, launchedAt: launchedAt, readyAfter: .zero)
        instance.kill()
        throw LocalError.startup(
            "the function did not listen on port \(port) within \(startTimeout) (it must bind 0.0.0.0 and the port in FC_SERVER_PORT)",
            output: relay.recentOutput)
    }

    /// Stops the function as FC does: SIGTERM (the runtime then runs its pre-stop hook), SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(15)) async {
        guard process.isRunning else { return RunningChildren.shared.remove(process) }
        Foundation.kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now.advanced(by: grace)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        kill()
        try? await Task.sleep(for: .milliseconds(50))  // let the relay print the last lines
    }

    /// Kills the function at once.
    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        RunningChildren.shared.remove(process)
    }
}

/// The children fc-local started, so that Ctrl-C (SIGINT) or SIGTERM never leaves one behind.
final class RunningChildren: Sendable {
    static let shared = RunningChildren()
    private let processes = Mutex<[ObjectIdentifier: Process]>([:])
    // Written once, from `installSignalHandlers` before any child starts; kept only so the sources stay alive.
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    func add(_ process: Process) { processes.withLock { $0[ObjectIdentifier(process)] = process } }
    func remove(_ process: Process) { _ = processes.withLock { $0.removeValue(forKey: ObjectIdentifier(process)) } }

    /// On SIGINT or SIGTERM: kill every child, then exit 130 (SIGINT) or 143 (SIGTERM).
    func installSignalHandlers() {
        for (signalNumber, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                for process in processes.withLock({ Array($0.values) }) where process.isRunning {
                    Foundation.kill(process.processIdentifier, SIGKILL)
                }
                exit(status)
            }
            source.resume()
            sources.append(source)
        }
    }
}

/// Whether something accepts TCP connections on a loopback port, and finding free ports.
enum PortProbe {
    static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = loopback(port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// Whether the port can be bound on all interfaces (as the function will bind it).
    static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = loopback(port)
        address.sin_addr.s_addr = INADDR_ANY
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// A port the kernel reports free right now.
    static func freePort() -> Int? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var address = loopback(0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func loopback(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// Builds a product of the package fc-local is run in and returns its binary.
enum ProductBuilder {
    static func binary(for product: String) async throws -> URL {
        let build = try run(["swift", "build", "--product", product])
        guard build.status == 0 else {
            throw LocalError.startup("`swift build --product \(product)` failed", output: build.output)
        }
        let path = try run(["swift", "build", "--show-bin-path"])
        let binary = URL(fileURLWithPath: path.output.trimmingCharacters(in: .whitespacesAndNewlines)).appendingPathComponent(product)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw LocalError.usage("no executable product named \(product) in this package")
        }
        return binary
    }

    /// The product's binary in fc-local's own build directory.
    static func prebuilt(_ product: String) throws -> URL {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent(product)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw LocalError.usage("no built product \(product) next to fc-local; build it or omit --no-build")
        }
        return binary
    }

    private static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
