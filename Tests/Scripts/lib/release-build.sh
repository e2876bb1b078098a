# Sourced by the tests that use trustd and trustctl as installed (not a test itself): builds them
# in release mode with --static-swift-stdlib, as Scripts/install and Scripts/package-deb do. The
# first test of a run builds (a few minutes); the others find them up to date (seconds).
#   $release_bin   the directory with trustd and trustctl
swift build -c release --static-swift-stdlib --product trustd >&2
swift build -c release --static-swift-stdlib --product trustctl >&2
release_bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
