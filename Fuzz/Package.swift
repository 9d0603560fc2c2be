// swift-tools-version:6.1
import PackageDescription

/// libFuzzer targets for FCRuntime's parsers and encoders (see "Fuzzing" in the README; run them with scripts/fuzz.sh).
///
/// A package of its own, so that the root package's builds never see these executables: they have no `main`
/// (libFuzzer brings one) and only link with `-sanitize=fuzzer`. They use FCRuntime's internal API through
/// `@testable import`, which debug builds allow.
/// The root package's settings: Swift 6 mode is the default; these keep imports explicit.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "swift-fc-runtime-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-fc-runtime", path: ".."),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "FCRuntime", package: "swift-fc-runtime"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        fuzzTarget("fuzz-context"),
        fuzzTarget("fuzz-span-context"),
        fuzzTarget("fuzz-baggage"),
        fuzzTarget("fuzz-span-encoders"),
        fuzzTarget("fuzz-log-records"),
    ]
)

/// One fuzz target: an executable whose only entry point is `LLVMFuzzerTestOneInput`.
func fuzzTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            "FuzzSupport",
            .product(name: "FCRuntime", package: "swift-fc-runtime"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Tracing", package: "swift-distributed-tracing"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: strictSettings
    )
}
