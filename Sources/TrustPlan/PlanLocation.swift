import Foundation

/// Where the plan lives by default.
public enum PlanLocation {
    /// `$XDG_CONFIG_HOME/trust/plan.yaml`, `XDG_CONFIG_HOME` defaulting to `~/.config`.
    public static func defaultPath(environment: [String: String]) -> String {
        let base: String
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        }
        return base + "/trust/plan.yaml"
    }
}
