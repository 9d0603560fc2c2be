import Foundation

/// Turns each function's source into something to launch, building every product once before serving.
enum LaunchResolver {
    static func resolve(_ functions: [FunctionConfiguration], build: Bool, output: PlatformOutput) async throws -> [FunctionKey: LaunchSpec] {
        var binaries: [String: URL] = [:]
        var specs: [FunctionKey: LaunchSpec] = [:]
        for function in functions {
            switch function.source {
            case .product(let name):
                if binaries[name] == nil {
                    if build { output.info("building \(name)…") }
                    binaries[name] = build ? try await ProductBuilder.binary(for: name) : try ProductBuilder.prebuilt(name)
                }
                specs[function.key] = .binary(binaries[name]!)
            case .codeDirectory(let directory):
                let bootstrap = URL(fileURLWithPath: directory).appendingPathComponent("bootstrap")
                guard FileManager.default.isExecutableFile(atPath: bootstrap.path) else {
                    throw LocalError.usage("\(function.key): no executable bootstrap in \(directory)")
                }
                specs[function.key] = .codeDirectory(directory)
            case .command(let command):
                specs[function.key] = .command(command)
            }
        }
        return specs
    }
}
