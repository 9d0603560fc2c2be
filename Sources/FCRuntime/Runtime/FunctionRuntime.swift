#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HummingbirdCore
import Instrumentation
import Logging
import ServiceLifecycle
import UnixSignals

/// A Function Compute function: register handlers, then ``run()``.
///
/// ```swift
/// import FCRuntime
///
/// var function = FunctionRuntime()
/// function.event("hello") { (name: String, context: FCContext) in "Hello, \(name)!" }
/// await function.run()
/// ```
public struct FunctionRuntime: Sendable {
    /// The handlers and hooks registered so far.
    public var registry = HandlerRegistry()
    /// Where FC log lines and application lines go (standard output).
    public var output: any LineOutput = FileDescriptorLineOutput.standardOutput
    private let configurationResult: Result<RuntimeConfiguration, ConfigurationError>

    /// A runtime configured from the environment (see the README's table of variables).
    public init() {
        configurationResult = Result { () throws(ConfigurationError) in try RuntimeConfiguration.fromEnvironment() }
    }

    /// A runtime with an explicit configuration.
    public init(configuration: RuntimeConfiguration) {
        configurationResult = .success(configuration)
    }

    /// The ready line FC and `fc-local` wait for (CONTRACT §1).
    public static let readyLine = "FunctionCompute swift runtime inited."

    /// Serves the FC contract until SIGTERM or SIGINT, then drains in-flight invocations (at most
    /// `shutdownTimeout`), runs the pre-stop hook if the platform did not call it, and returns.
    ///
    /// An invalid configuration or a port that cannot be bound prints one line to standard error and exits the
    /// process with status 1.
    public func run() async {
        // `print` joins the runtime's lines only when these go to standard output; a custom output leaves it alone.
        if (output as? FileDescriptorLineOutput) === FileDescriptorLineOutput.standardOutput {
            StandardOutputRouting.route(to: output)
            FatalSignalFlush.install()
        } else {
            StandardOutputRouting.route(to: nil)
        }
        let configuration: RuntimeConfiguration
        switch configurationResult {
        case .success(let value): configuration = value
        case .failure(let error): Self.exitWithStartupError("\(error)")
        }
        let engine = InvocationEngine(registry: registry, configuration: configuration, output: output)
        Self.bootstrapTracerUnlessTheApplicationDid()
        let output = self.output
        let server = FCHTTPServer.make(engine: engine) { port in
            engine.tracing.markReady()
            let startup = engine.monitor.reader.processAge().map { ", \(RecordJSON.twoDecimals($0.milliseconds)) ms after process start" } ?? ""
            engine.runtimeLogger.info("listening on 0.0.0.0:\(port)\(startup)")
            output.writeLine(LineText.line(Self.readyLine))
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: server)]
        if configuration.instanceMetricsInterval > .zero {
            let sampler = InstanceSampler(
                monitor: engine.monitor, period: configuration.instanceMetricsInterval,
                instanceType: configuration.provisionedInstance ? .provisioned : .onDemand, output: output, logger: engine.runtimeLogger)
            services.append(.init(service: sampler))
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: engine.runtimeLogger
        )
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownTimeout
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            Self.exitWithStartupError("the server stopped: \(error)")
        }
        await engine.runPreStopIfNeeded()
        await engine.tracing.flush()
        output.flush()
    }

    /// Makes `withSpan` use this runtime's tracer. An application that bootstrapped its own instrument first keeps it.
    private static func bootstrapTracerUnlessTheApplicationDid() {
        guard InstrumentationSystem.instrument is NoOpInstrument else { return }
        InstrumentationSystem.bootstrap(FCTracer())
    }

    private static func exitWithStartupError(_ message: String) -> Never {
        FileDescriptorLineOutput.standardError.writeLine(LineText.line("FunctionCompute swift runtime failed to start: \(message)"))
        exit(1)
    }
}
