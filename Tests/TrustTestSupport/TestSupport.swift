import Foundation

/// Helpers shared by the test targets: `PrivateBus` (a private dbus-daemon),
/// `FakeNotificationServer` (the Python test notification server), `AsyncBus` (another client
/// on the bus), `Mailbox` (waiting for callbacks with a timeout), `ChildProcess`,
/// `TemporaryDirectory`, `SplitMix64` (seeded random test data), `onOwnThread`/`onBlockingThread`.
public enum TestSupport {}
