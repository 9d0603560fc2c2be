import ArgumentParser

/// `fc-local traces` (stub until the tracing area lands).
struct TracesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "traces", abstract: "Print the traces fc-local start kept.")
}
