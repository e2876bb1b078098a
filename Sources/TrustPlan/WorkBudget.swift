// Bounds the work a plan can ask of the YAML composer before Yams builds its node tree. An alias
// costs nothing to compose, but Yams hashes every mapping key to find duplicates, and a key that
// is an alias of a list of aliases of lists… (`a1: &a1 [*a0, *a0]` … `{*a23: 1}`) is hashed in
// full: twice the work per level. Deep nesting recurses once per level. This pass reads libyaml's
// event stream (the same parser Yams runs, through its C module), weighs each node as it would
// be after the aliases are expanded, and stops at the first node over a budget, so the composer
// never sees such a file. A plan needs neither: a few aliases at most, four levels.
import CYaml

/// Limits on the shape of the YAML a plan may have.
struct WorkBudget {
    /// Nodes that aliases may stand for, in all (an alias of a 10-node list counts 10).
    var aliasedNodes = 10_000
    /// Levels of lists and mappings inside one another.
    var depth = 64

    enum Exceeded: Equatable {
        /// The aliases up to here stand for more nodes than `aliasedNodes`.
        case aliases(line: Int, column: Int, nodes: Int)
        /// A list or mapping nested deeper than `depth`.
        case depth(line: Int, column: Int)
    }

    /// The first place where `yaml` exceeds the budget, or nil. A syntax error stops the pass
    /// quietly: the composer reports it, and does not get past it either (it reads the same
    /// events in the same order, so it never sees more than this pass allowed).
    func check(_ yaml: String) -> Exceeded? {
        var yaml = yaml
        return yaml.withUTF8 { bytes in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)

            // The expanded weight of each anchored node; the open lists and mappings.
            var anchors: [String: Int] = [:]
            var open: [(weight: Int, anchor: String?)] = []
            var aliased = 0
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                let column = Int(event.start_mark.column) + 1
                var finished: (weight: Int, anchor: String?)?
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    finished = (1, Self.name(event.data.scalar.anchor))
                case YAML_ALIAS_EVENT:
                    let weight = Self.name(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
                    aliased = aliased.addingReportingOverflow(weight).overflow ? .max : aliased + weight
                    if aliased > aliasedNodes { return .aliases(line: line, column: column, nodes: aliased) }
                    finished = (weight, nil)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    if open.count >= depth { return .depth(line: line, column: column) }
                    let anchor =
                        event.type == YAML_SEQUENCE_START_EVENT
                        ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                    open.append((1, Self.name(anchor)))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    finished = open.popLast()
                default:
                    break
                }
                if let (weight, anchor) = finished {
                    if let anchor { anchors[anchor] = weight }
                    if !open.isEmpty {
                        let sum = open[open.count - 1].weight.addingReportingOverflow(weight)
                        open[open.count - 1].weight = sum.overflow ? .max : sum.partialValue
                    }
                }
            }
            // libyaml's own limit (1000 levels) may stop its look-ahead before this pass gets
            // there: the same problem, said the same way.
            if let problem = parser.problem, String(cString: problem).contains("Maximum nesting level") {
                return .depth(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
            }
            return nil
        }
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: $0) }
    }
}
