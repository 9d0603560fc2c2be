import ArgumentParser

/// `fc-local metrics` (stub until the metrics area lands).
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metrics", abstract: "Print a function's metrics.")
}
