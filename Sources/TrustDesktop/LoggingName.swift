// The log handlers moved to SystemdKit (it owns journald). trustd's command still imports them
// through TrustDesktop; this name lasts until it imports SystemdKit itself (then delete this file).
import SystemdKit

public typealias TrustLogging = SystemdKit.TrustLogging
