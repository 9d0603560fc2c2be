import Foundation
import Synchronization

/// What to run: a product of this package, a custom-runtime code directory, or any command.
enum LaunchSpec: Sendable {
    case product(String, build: Bool)
    /// A binary resolved (and built) beforehand.
    case binary(URL)
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
    /// `onSpawn` runs right after the process exists (before it listens), so that a caller can record it.
    static func launch(
        _ spec: LaunchSpec, environment: [String: String], port: Int, startTimeout: Duration, relay: OutputRelay,
        onSpawn: @Sendable (Process) async -> Void = { _ in }
    ) async throws -> FunctionInstance {
        let process = Process()
        switch spec {
        case .product(let name, let build):
            process.executableURL = build ? try await ProductBuilder.binary(for: name) : try ProductBuilder.prebuilt(name)
        case .binary(let url):
            process.executableURL = url
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
            try withUnblockedSignals { try process.run() }
        } catch {
            throw LocalError.startup("cannot start the function: \(error.localizedDescription)")
        }
        RunningChildren.shared.add(process)
        await onSpawn(process)
        let deadline = launchedAt.advanced(by: startTimeout)
        var takenByAnother = false
        while ContinuousClock.now < deadline {
            let ready: Bool
            switch ListenerOwnership.listener(on: port, pid: process.processIdentifier) {
            case .ours: ready = true
            case .someoneElse: (ready, takenByAnother) = (false, true)
            // /proc sees no listener yet; after a second, a connection decides (a table that /proc could not
            // show whole must not hold a started function back).
            case .nobody: ready = ContinuousClock.now - launchedAt > .seconds(1) && PortProbe.accepts(port)
            case .unknown: ready = PortProbe.accepts(port)
            }
            if ready {
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
        let reason = takenByAnother
            ? "another process took port \(port) before the function could bind it; run again, or choose a port with --port"
            : "the function did not listen on port \(port) within \(startTimeout) (it must bind 0.0.0.0 and the port in FC_SERVER_PORT)"
        throw LocalError.startup(reason, output: relay.recentOutput)
    }

    /// Stops the function as FC does: SIGTERM (the runtime then runs its pre-stop hook), SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(15)) async {
        guard hasExited == false else { return RunningChildren.shared.remove(process) }
        Foundation.kill(process.processIdentifier, SIGTERM)
        await waitForExit(upTo: grace)
        kill()
        try? await Task.sleep(for: .milliseconds(50))  // let the relay print the last lines
    }

    /// Kills the function at once and waits (boundedly) until it is gone.
    func kill() {
        if !hasExited {
            Foundation.kill(process.processIdentifier, SIGKILL)
            let deadline = ContinuousClock.now.advanced(by: .seconds(5))
            while !hasExited, ContinuousClock.now < deadline { usleep(2_000) }
        }
        RunningChildren.shared.remove(process)
    }

    private func waitForExit(upTo limit: Duration) async {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while !hasExited, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// How the process ended, for messages. Foundation traps when asked for the status of a process it has not
    /// reaped yet (the kernel may already show it as a zombie), so only ask once it has.
    var exitDescription: String {
        process.isRunning ? "it exited" : "status \(process.terminationStatus)"
    }

    /// Whether the process has ended: Foundation saw it, or the kernel shows it gone or a zombie (so that a
    /// missed termination notice can never make fc-local wait forever).
    var hasExited: Bool {
        guard process.isRunning else { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }
}

/// The function process fc-local runs, so that Ctrl-C (SIGINT) or SIGTERM never leaves it behind.
///
/// The signal handler is a plain C handler that kills the child and exits (`kill` and `_exit` are async-signal-safe).
/// Signals must not be set to "ignore" for this (as dispatch signal sources require): ignored signals are
/// inherited across `exec`, and the function would then ignore the SIGTERM that stops it gracefully.
final class RunningChildren: Sendable {
    static let shared = RunningChildren()

    func add(_ process: Process) { currentChildPID.store(process.processIdentifier, ordering: .relaxed) }

    func remove(_ process: Process) {
        _ = currentChildPID.compareExchange(expected: process.processIdentifier, desired: 0, ordering: .relaxed)
    }

    /// On SIGINT or SIGTERM: kill the child, then exit 128 + the signal (130 for Ctrl-C).
    func installSignalHandlers() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { received in
                let pid = currentChildPID.load(ordering: .relaxed)
                if pid > 0 { kill(pid, SIGKILL) }
                _exit(128 + received)
            }
        }
    }
}

/// The pid of the running function (0 when none), read by the signal handler.
private let currentChildPID = Atomic<Int32>(0)

/// Whether something accepts TCP connections on a loopback port, and finding free ports.
enum PortProbe {
    /// Whether a connection to the port succeeds within 100 ms (never blocks longer, even on a full backlog).
    static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = loopback(port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, 100) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0
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

/// Runs `body` (a process spawn) with no signal blocked on this thread, then restores the thread's mask.
///
/// A child inherits the spawning thread's signal mask, and the threads Swift concurrency runs on block most
/// signals. FC starts `bootstrap` with nothing blocked; a function started with SIGTERM blocked would never see
/// the graceful stop (a Swift runtime copes, since dispatch reads blocked signals through signalfd; Python, Go or
/// Node would not).
func withUnblockedSignals<T>(_ body: () throws -> T) rethrows -> T {
    var none = sigset_t(), previous = sigset_t()
    sigemptyset(&none)
    pthread_sigmask(SIG_SETMASK, &none, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    return try body()
}
