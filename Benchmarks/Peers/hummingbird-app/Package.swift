// swift-tools-version:6.1
import PackageDescription

// A benchmark peer kept out of the main package so that CI never compiles the full `Hummingbird` module:
// the echo function a user would write with Hummingbird's Application and Router.
let package = Package(
    name: "hummingbird-app-echo",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "hummingbird-app-echo",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ])
    ]
)
