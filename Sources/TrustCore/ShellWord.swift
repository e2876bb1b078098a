// Paths shown in remedies a person may paste into a shell ("chmod 600 ~/.config/trust/plan.yaml").

public enum ShellWord {
    /// `s` as one shell word: as is when every character is a letter, a digit or one of `safe`,
    /// else in single quotes. With `home`, a path under it whose rest needs no quotes is written
    /// `~/…`. The empty string is `''`.
    public static func quote(_ s: String, safe: String = "/._-", home: String? = nil) -> String {
        if let home, !home.isEmpty, s.hasPrefix(home + "/"),
            s.dropFirst(home.count).allSatisfy({ $0.isLetter || $0.isNumber || "/._-".contains($0) })
        {
            return "~" + s.dropFirst(home.count)
        }
        if !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || safe.contains($0) }) { return s }
        return "'" + s.replacing("'", with: "'\\''") + "'"
    }
}
