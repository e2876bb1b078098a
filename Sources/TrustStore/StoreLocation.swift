import Foundation

/// Where the ledger lives by default.
public enum StoreLocation {
    public static let fileName = "ledger.sqlite"

    /// `$STATE_DIRECTORY/ledger.sqlite` under systemd (first entry when it lists several),
    /// else `$XDG_STATE_HOME/trust/ledger.sqlite`, `XDG_STATE_HOME` defaulting to `~/.local/state`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let state = environment["STATE_DIRECTORY"], !state.isEmpty {
            let first = state.split(separator: ":").first.map(String.init) ?? state
            return first + "/" + fileName
        }
        let base: String
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        }
        return base + "/trust/" + fileName
    }
}
