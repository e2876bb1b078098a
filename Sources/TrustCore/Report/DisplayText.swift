// Text the person wrote (titles, asks, notes) shown in a terminal: a control character in it is
// shown, not obeyed, so a note cannot move the cursor, clear the screen, retitle the window or
// forge a line of output (ESC sequences, CR, BEL, C1 codes such as CSI).

public enum DisplayText {
    /// `s` with every control character written out: `\n`, `\r`, `\t`, else `\xHH` (C0, DEL and
    /// the C1 range U+0080–U+009F). Everything else, all of Unicode included, is kept.
    public static func terminal(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            guard isControl(u) else {
                out.append(u)
                continue
            }
            let escaped: String
            switch u {
            case "\n": escaped = "\\n"
            case "\r": escaped = "\\r"
            case "\t": escaped = "\\t"
            default:
                let hex = String(u.value, radix: 16, uppercase: true)
                escaped = "\\x" + (hex.count < 2 ? "0" + hex : hex)
            }
            out.append(contentsOf: escaped.unicodeScalars)
        }
        return String(out)
    }

    static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || (0x7F...0x9F).contains(u.value)
    }
}
