// What a person can type at `trustd` running in the foreground on a terminal.
import Foundation
import TrustCore

/// One typed line, parsed. Grammar: `[ID|ITEM] ANSWER [NOTE…]`, `pending`, `help`.
///
///     k                      the only waiting check-in: kept
///     missed forgot again    … missed, with a note
///     12 s                   check-in #12: skipped
///     evening-call kept      the newest waiting check-in of evening-call
///     z                      snooze
public enum TerminalCommand: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        /// The only waiting check-in.
        case only
        /// A check-in by its number (the ledger's occurrence id, shown with the prompt).
        case occurrence(Int64)
        /// The newest waiting check-in of an item.
        case item(ItemID)
    }
    public enum Verb: Sendable, Hashable {
        case answer(Answer)
        case snooze
    }

    case act(Target, Verb, note: String?)
    case pending
    case help
    case empty
    /// Not understood; the text says why.
    case invalid(String)

    public static func parse(_ line: String) -> TerminalCommand {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { return .empty }
        switch first.lowercased() {
        case "?", "h", "help": return words.count == 1 ? .help : .invalid("`help` takes no arguments")
        case "p", "pending", "list": return words.count == 1 ? .pending : .invalid("`pending` takes no arguments")
        default: break
        }
        var target = Target.only
        if verb(first) == nil {
            if let n = Int64(first.hasPrefix("#") ? String(first.dropFirst()) : first) {
                guard n > 0 else { return .invalid("there is no check-in #\(n)") }
                target = .occurrence(n)
            } else if ItemID.isValid(first) {
                target = .item(ItemID(first))
            } else {
                return .invalid("`\(first)` is neither an answer nor a check-in; type `help`")
            }
            words.removeFirst()
            guard let second = words.first else {
                if case .item = target {
                    return .invalid("`\(first)` is not an answer: type k, m, s or z (kept, missed, skip, snooze), or `help`")
                }
                return .invalid("what about \(first)? Add kept, missed, skipped or snooze")
            }
            guard verb(second) != nil else {
                return .invalid("`\(second)` is not an answer: use kept, missed, skipped or snooze (k, m, s, z)")
            }
        }
        let v = verb(words.removeFirst())!
        // The note is the rest of the line as typed (spacing kept).
        var note: String?
        if !words.isEmpty {
            let rest = line.drop { $0 == " " || $0 == "\t" }
            var tail = Substring(rest)
            let skip = target == .only ? 1 : 2
            for _ in 0..<skip {
                tail = tail.drop { $0 != " " && $0 != "\t" }.drop { $0 == " " || $0 == "\t" }
            }
            let trimmed = tail.trimmingCharacters(in: .whitespaces)
            note = trimmed.isEmpty ? nil : trimmed
        }
        if case .snooze = v, note != nil { return .invalid("snooze takes no note") }
        return .act(target, v, note: note)
    }

    private static func verb(_ word: String) -> Verb? {
        switch word.lowercased() {
        case "k", "kept", "y", "yes", "held": .answer(.kept)
        case "m", "missed", "n", "no", "slipped": .answer(.missed)
        case "s", "skip", "skipped": .answer(.skipped)
        case "z", "snooze", "later": .snooze
        default: nil
        }
    }

    public static let helpText = """
        Answer a check-in by typing one line:
          k | kept      m | missed      s | skip      z | snooze
        followed by an optional note (k called from the hotel). When several check-ins wait,
        name one first: its number (12 k) or its item (evening-call kept).
        pending  lists the waiting check-ins;  Ctrl-C stops trustd.
        """
}
