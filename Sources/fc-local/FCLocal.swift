import ArgumentParser

/// `fc-local`: run Function Compute functions on this machine the way FC runs them.
@main
struct FCLocal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fc-local",
        abstract: "Run Function Compute functions locally, the way Function Compute runs them.",
        subcommands: [InvokeCommand.self, StartCommand.self, TracesCommand.self, MetricsCommand.self]
    )
}
