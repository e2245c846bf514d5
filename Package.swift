// swift-tools-version:6.0
import PackageDescription

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
            ]),
        // A thin front end: argument vector in, exit code out.
        .executableTarget(name: "sla", dependencies: ["SLAKit"]),
        .testTarget(name: "SLAKitTests", dependencies: ["SLAKit"]),
    ]
)
