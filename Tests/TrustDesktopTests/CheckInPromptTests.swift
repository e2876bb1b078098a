import Testing
import TrustCore
import TrustDesktop

@Suite struct CheckInPromptTests {
    static let call = Item(
        id: "evening-call", kind: .commitment, title: "Call every evening", to: "Sam",
        why: "So you know I'm thinking of you & us", schedule: [], snooze: 15 * 60)
    static let dinner = Item(id: "no-phone", kind: .boundary, title: "No phone at dinner", schedule: [], snooze: 90 * 60)
    static let full = NotificationCapabilities(["actions", "body", "body-markup", "persistence"])
    static let plain = NotificationCapabilities(["actions", "body"])
    static let noActions = NotificationCapabilities(["body"])

    @Test(arguments: [
        (ItemKind.commitment, false, ["Kept", "Missed", "Skip", "Snooze 15 min"]),
        (.boundary, false, ["Held", "Slipped", "Skip", "Snooze 15 min"]),
        (.commitment, true, ["Kept", "Missed", "Skip", "Snooze 15 min"]),
        (.boundary, true, ["Kept", "Missed", "Skip", "Snooze 15 min"]),
    ])
    func labelsReadNaturallyAndKeysStayStable(kind: ItemKind, discreet: Bool, labels: [String]) {
        let item = Item(id: "x", kind: kind, title: "X", schedule: [], snooze: 15 * 60)
        let prompt = CheckInPrompt(item: item, discreet: discreet, capabilities: Self.plain)
        #expect(prompt.actions.map(\.label) == labels)
        #expect(prompt.actions.map(\.key) == ["kept", "missed", "skipped", "snooze"])
    }

    @Test(arguments: [
        (PromptAction.kept, Answer?.some(.kept)), (.missed, .missed), (.skipped, .skipped), (.snooze, nil),
    ])
    func actionKeysMapToAnswers(action: PromptAction, answer: Answer?) {
        #expect(PromptAction(key: action.key) == action)
        #expect(action.answer == answer)
    }

    @Test func unknownKeysAreNotAnswers() {
        #expect(PromptAction(key: "default") == nil)
        #expect(PromptAction(key: "Kept") == nil)
    }

    @Test func plainPromptSaysWhatAndWhyWithoutMarkup() {
        let p = CheckInPrompt(item: Self.call, discreet: false, capabilities: Self.plain)
        #expect(p.summary == "Did you keep your promise: Call every evening?")
        #expect(p.body == "A promise to Sam.\nSo you know I'm thinking of you & us")
        #expect(
            p.hints
                == NotificationHints(urgency: .normal, category: "x-trustd.check-in", desktopEntry: "trustd", imagePath: "trustd"))
        #expect(p.expiration == .never)
    }

    @Test func markupIsUsedAndUserTextEscapedOnlyWhenAdvertised() {
        let p = CheckInPrompt(item: Self.call, discreet: false, capabilities: Self.full)
        #expect(p.body == "A promise to Sam.\n<i>So you know I'm thinking of you &amp; us</i>")
        let evil = Item(id: "x", kind: .commitment, title: "T", why: "<b>not bold</b>", schedule: [])
        #expect(CheckInPrompt(item: evil, discreet: false, capabilities: Self.full).body == "<i>&lt;b&gt;not bold&lt;/b&gt;</i>")
        #expect(CheckInPrompt(item: evil, discreet: false, capabilities: Self.plain).body == "<b>not bold</b>")
    }

    @Test func withoutActionsTheBodyCarriesTheAnswerCommand() {
        let p = CheckInPrompt(item: Self.call, discreet: false, capabilities: Self.noActions)
        #expect(p.actions.isEmpty)
        #expect(p.body.hasSuffix("Answer in a terminal: trustctl answer evening-call kept (or missed, skipped)"))
        let marked = CheckInPrompt(
            item: Self.call, discreet: false, capabilities: NotificationCapabilities(["body", "body-markup"]))
        #expect(marked.body.hasSuffix("Answer in a terminal: <b>trustctl answer evening-call kept</b> (or missed, skipped)"))
    }

    @Test func discreetPromptsSayNothingIntimateAndAreTransient() {
        for caps in [Self.full, Self.plain, Self.noActions] {
            let p = CheckInPrompt(item: Self.call, discreet: true, capabilities: caps)
            let text = p.summary + p.body + p.actions.map(\.label).joined()
            for secret in ["Call", "Sam", "thinking", "evening-call", "promise"] {
                #expect(!text.contains(secret), "discreet prompt leaks \(secret): \(text)")
            }
            #expect(p.hints.transient == true)
            #expect(p.summary == "Check-in due")
        }
        #expect(CheckInPrompt(item: Self.call, discreet: true, capabilities: Self.noActions).body.contains("trustctl pending"))
    }

    @Test func snoozeLabelsFollowTheItemsSnooze() {
        #expect(CheckInPrompt(item: Self.dinner, discreet: false, capabilities: Self.plain).actions.last?.label == "Snooze 1 h 30 min")
        var hour = Self.dinner
        hour.snooze = 3600
        #expect(CheckInPrompt(item: hour, discreet: false, capabilities: Self.plain).actions.last?.label == "Snooze 1 h")
    }

    @Test func requestCarriesThePromptAndReplacesId() {
        let p = CheckInPrompt(item: Self.dinner, discreet: false, capabilities: Self.plain)
        let r = p.request(replacing: NotificationID(7))
        #expect(r.replaces == NotificationID(7))
        #expect(r.summary == "Did you hold your boundary: No phone at dinner?")
        #expect(r.actions == p.actions)
        #expect(r.appName == "trustd")
    }
}
