// Owns the conversation on the terminal in foreground mode: each typed line resolved to a
// check-in (the only one waiting, by number, by item) and acted on.
import Dispatch
import Foundation
import TrustCore

extension Daemon {
    /// A line typed on the terminal (nil: standard input closed).
    func typed(_ line: String?) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running || phase == .starting, let console else { return }
        guard let line else {
            log.info("Standard input closed; answers from this terminal are off (trustctl answer still works)")
            return
        }
        let waiting = prompts.waiting
        func resolve(_ target: TerminalCommand.Target) -> CheckInID? {
            switch target {
            case .only:
                if waiting.count == 1 { return waiting[0] }
                console.print(
                    waiting.isEmpty
                        ? "No check-in is waiting. (Type `pending` to list, `help` for help.)"
                        : "Several check-ins are waiting (\(waiting.map { "#\($0)" }.joined(separator: ", "))); say which, e.g. `\(waiting[0]) k`.")
                return nil
            case .occurrence(let id):
                if prompts[id] != nil { return id }
                // Also one not shown in this run (answered late, from `trustctl pending`).
                if (try? ledger.occurrence(id: id)) != nil { return id }
                console.print("There is no check-in #\(id).")
                return nil
            case .item(let item):
                let open = (try? ledger.openOccurrences()) ?? []
                if let o = open.filter({ $0.item == item && prompts[$0.id] != nil }).last { return o.id }
                console.print("No check-in of \(item) is waiting.")
                return nil
            }
        }
        switch TerminalCommand.parse(line) {
        case .empty: break
        case .help: console.print(TerminalCommand.helpText)
        case .pending:
            let open = (try? ledger.openOccurrences()) ?? []
            let due = open.filter { prompts[$0.id] != nil }
            let zone = keeper.plan?.timeZone ?? .current
            console.print(
                due.isEmpty
                    ? "No check-in is waiting."
                    : due.map { "  #\($0.id) \($0.item) (due \(DaemonText.format($0.scheduled, zone)))" }
                        .joined(separator: "\n"))
        case .invalid(let why): console.print(why)
        case .act(let target, let verb, let note):
            guard let id = resolve(target) else { return }
            switch verb {
            case .answer(let a): answer(id, a, note: note, channel: .terminal)
            case .snooze: snooze(id, channel: .terminal)
            }
        }
    }
}
