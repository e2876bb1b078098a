import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
import TrustDesktop

/// Config/desktop/trustd.desktop and trustd.svg: the identity GNOME and KDE attribute check-ins
/// to. The desktop file passes `desktop-file-validate` (desktop-file-utils, in .ci/run) and the
/// hints every prompt sends name exactly these files.
@Suite struct ApplicationIdentityTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Config/desktop").standardized

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func theDesktopFileValidatesAndMatchesTheHints() throws {
        let file = Self.directory.appendingPathComponent("\(CheckInPrompt.desktopEntry).desktop")
        let validate = "/usr/bin/desktop-file-validate"
        #expect(
            FileManager.default.isExecutableFile(atPath: validate),
            "desktop-file-validate is missing: apt-get install desktop-file-utils (Scripts/setup does)")
        let (status, output) = try Self.run(validate, [file.path])
        #expect(status == 0, "desktop-file-validate: \(output)")
        #expect(output.isEmpty, "desktop-file-validate has remarks: \(output)")

        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first == "[Desktop Entry]")
        #expect(lines.contains("NoDisplay=true"))
        #expect(lines.contains("X-GNOME-UsesNotifications=true"))
        #expect(lines.contains("Icon=\(CheckInPrompt.iconName)"))
    }

    @Test func theIconIsAScalableSVGNamedAsTheHint() throws {
        let icon = Self.directory.appendingPathComponent("\(CheckInPrompt.iconName).svg")
        let data = try Data(contentsOf: icon)
        let parser = XMLParser(data: data)
        let root = RootElement()
        parser.delegate = root
        #expect(parser.parse(), "\(icon.path) is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(root.name == "svg")
        #expect(root.attributes["viewBox"] != nil, "a scalable icon has a viewBox")
    }
}

/// The first element's name and attributes.
private final class RootElement: NSObject, XMLParserDelegate {
    var name: String?
    var attributes: [String: String] = [:]
    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        guard name == nil else { return }
        name = elementName
        self.attributes = attributes
    }
}
