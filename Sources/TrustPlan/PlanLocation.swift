import Foundation

/// Where the plan lives by default.
public enum PlanLocation {
    /// `$XDG_CONFIG_HOME/trust/plan.yaml`, `XDG_CONFIG_HOME` defaulting to `~/.config`.
    public static func defaultPath(environment: [String: String]) -> String {
        configHome(environment: environment) + "/trust/plan.yaml"
    }

    /// `$XDG_CONFIG_HOME` when it is an absolute path (the XDG rule: a relative one is ignored),
    /// else `~/.config`. Also where the systemd user units live (`…/systemd/user`).
    public static func configHome(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
    }
}
