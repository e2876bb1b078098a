import Testing
import TrustPlan

@Suite struct PlanLocationTests {
    // (environment, config home): XDG_CONFIG_HOME counts only when absolute, as the XDG spec says.
    @Test(arguments: [
        (["HOME": "/home/sam"], "/home/sam/.config"),
        (["HOME": "/home/sam", "XDG_CONFIG_HOME": "/srv/conf"], "/srv/conf"),
        (["HOME": "/home/sam", "XDG_CONFIG_HOME": "conf"], "/home/sam/.config"),
        (["HOME": "/home/sam", "XDG_CONFIG_HOME": ""], "/home/sam/.config"),
    ])
    func configHome(environment: [String: String], expected: String) {
        #expect(PlanLocation.configHome(environment: environment) == expected)
        #expect(PlanLocation.defaultPath(environment: environment) == expected + "/trust/plan.yaml")
    }
}
