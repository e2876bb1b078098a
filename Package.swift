// swift-tools-version:6.0
// trustd — keep the promises that rebuild trust.
//
// Layout (docs/architecture.md says how they fit together):
//   TrustCore     pure core: plan model, calendar engine, occurrences, the scheduler and the
//                 ledger's vocabulary, streak/score math
//   TrustPlan     YAML plan reader (Yams) with file:line:column diagnostics
//   CSystemd      libsystemd's functions, the library opened when first used (dlopen)
//   SystemdKit    libsystemd: sd-bus, sd_notify, journald, and the journald/stderr log handlers
//   CLinuxWatch, LinuxWatch   the C library and kernel: inotify, signals, timerfd, memory advice,
//                 local time and the clock, the terminal, file permissions
//   TrustDesktop  org.freedesktop.Notifications client, check-in prompts, doctor's desktop checks
//   TrustStore    SQLite ledger (GRDB) with a SHA-256 hash chain (swift-crypto)
//   TrustReport   all of trustctl's output: report (terminal, JSON, CSV, HTML), review, calendar,
//                 the ledger commands' text and JSON
//   TrustDaemon   the daemon's runtime behind ports: prompts, answers, plan reload
//   TrustCLI      trustctl's subcommands (one per file): parse, call a library, print
//   trustd, trustctl   thin executables
// C is called from SystemdKit and LinuxWatch (their own wrappers, typed values out), and from
// TrustStore, whose fast scans read SQLite's C API and whose file checks call the C library.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "trustd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "trustd", targets: ["trustd"]),
        .executable(name: "trustctl", targets: ["trustctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // MARK: Core (no third-party dependencies, no I/O)
        .target(name: "TrustCore", swiftSettings: swiftSettings),

        // MARK: Adapters
        .target(
            name: "TrustPlan",
            dependencies: ["TrustCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        // libsystemd's headers (libsystemd-dev); the library itself is opened when first used.
        .target(name: "CSystemd"),
        .target(
            name: "SystemdKit",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(
            name: "TrustDesktop",
            dependencies: ["SystemdKit", "TrustCore", "LinuxWatch"],
            swiftSettings: swiftSettings),
        .target(
            name: "TrustStore",
            dependencies: [
                "TrustCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The C API, for the one hot loop that reads columns in place (TrustStore.records).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),

        // Readers of other trackers' files (Loop's SQLite backup and CSV zip, harsh, habitctl).
        .target(
            name: "TrustImport",
            dependencies: [
                "TrustCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),

        .systemLibrary(name: "CLinuxWatch"),
        .target(name: "LinuxWatch", dependencies: ["CLinuxWatch"], swiftSettings: swiftSettings),

        // MARK: Features
        .target(
            name: "TrustReport",
            dependencies: ["TrustCore", "TrustPlan"],
            swiftSettings: swiftSettings),
        .target(
            name: "TrustDaemon",
            dependencies: [
                "TrustCore", "TrustPlan", "TrustDesktop", "SystemdKit", "LinuxWatch",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "TrustCLI",
            dependencies: [
                "TrustCore", "TrustPlan", "TrustStore", "TrustReport", "TrustDesktop", "SystemdKit", "LinuxWatch",
                "TrustImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // MARK: Executables (a few lines each)
        .executableTarget(
            name: "trustd",
            dependencies: [
                "TrustDaemon", "TrustCore", "TrustStore", "TrustDesktop", "TrustPlan", "LinuxWatch", "SystemdKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "trustctl", dependencies: ["TrustCLI"], swiftSettings: swiftSettings,
            // The static Swift runtime's link flags export every symbol of the binary (18,000 of
            // them) for a plugin that never loads, and the runtime's dladdr at start walks them
            // all (issue 15: 3-6 % of a short command, Benchmarks/bench-trivial).
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"])]),

        // MARK: Benchmarks
        .executableTarget(
            name: "trust-gen-ledger",
            dependencies: [
                "TrustCore", "TrustStore", "TrustTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/GenerateLedger",
            swiftSettings: swiftSettings),

        .executableTarget(
            name: "notify-benchmark",
            dependencies: ["TrustDesktop", "TrustTestSupport"],
            path: "Benchmarks/NotifyBenchmark",
            swiftSettings: swiftSettings),

        // MARK: Tests
        .target(
            name: "TrustTestSupport",
            dependencies: ["TrustCore", "SystemdKit"],
            path: "Tests/TrustTestSupport",
            exclude: ["fake-notification-server.py", "private-bus.conf"],
            swiftSettings: swiftSettings),
        // Each test target declares every module it imports.
        .testTarget(name: "TrustCoreTests", dependencies: ["TrustCore", "TrustTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "TrustPlanTests", dependencies: ["TrustPlan", "TrustCore", "TrustTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SystemdKitTests",
            dependencies: ["SystemdKit", "TrustTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TrustDesktopTests",
            dependencies: ["TrustDesktop", "SystemdKit", "TrustCore", "TrustTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TrustStoreTests",
            dependencies: ["TrustStore", "TrustCore", "TrustTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TrustImportTests",
            dependencies: ["TrustImport", "TrustCore", "TrustTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings),
        .testTarget(name: "TrustReportTests", dependencies: ["TrustReport", "TrustCore", "TrustTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TrustDaemonTests",
            dependencies: [
                "TrustDaemon", "TrustCore", "TrustStore", "TrustDesktop", "TrustPlan", "SystemdKit", "TrustTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "LinuxWatchTests", dependencies: ["LinuxWatch", "TrustTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TrustCLITests",
            dependencies: [
                "TrustCLI", "TrustCore", "TrustReport", "TrustStore", "TrustTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
    ]
)
