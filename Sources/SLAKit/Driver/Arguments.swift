/// A hand-written command-line parser: positional arguments, `--name value`,
/// `--name=value`, flags, and options that take several values (`--events a.jsonl b.jsonl`).
struct Arguments {
    /// How an option is spelled and what it takes.
    struct Option {
        enum Arity { case flag, single, multiple }
        var names: [String]
        var arity: Arity
    }

    private(set) var positionals: [String] = []
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []

    /// Parses `arguments` against `options`; throws a `UsageError` for unknown options or
    /// missing values. An option is stored under its first name.
    init(_ arguments: [String], options: [Option]) throws {
        var index = 0
        func lookup(_ name: String) -> Option? { options.first { $0.names.contains(name) } }
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || argument == "-" || !argument.hasPrefix("-") {
                positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let option = lookup(name) else {
                let known = options.flatMap(\.names)
                let hint = closestName(to: name, among: known).map { " (did you mean `\($0)`?)" } ?? ""
                throw UsageError(message: "unknown option `\(name)`\(hint)")
            }
            let key = option.names[0]
            switch option.arity {
            case .flag:
                if inlineValue != nil { throw UsageError(message: "option `\(name)` takes no value") }
                flags.insert(key)
            case .single:
                if let inlineValue {
                    values[key, default: []].append(inlineValue)
                } else {
                    guard index < arguments.count else { throw UsageError(message: "option `\(name)` needs a value") }
                    values[key, default: []].append(arguments[index])
                    index += 1
                }
            case .multiple:
                if let inlineValue {
                    values[key, default: []].append(inlineValue)
                    continue
                }
                var taken = 0
                // Take values up to the next option; `-` (standard input) is a value. An SLA
                // file written after the paths is still the positional argument.
                while index < arguments.count, arguments[index] == "-" || !arguments[index].hasPrefix("-") {
                    if taken > 0, arguments[index].hasSuffix(".sla") { break }
                    values[key, default: []].append(arguments[index])
                    index += 1
                    taken += 1
                }
                if taken == 0 { throw UsageError(message: "option `\(name)` needs at least one value") }
            }
        }
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The last value given for a single-valued option.
    func value(_ name: String) -> String? { values[name]?.last }

    func values(_ name: String) -> [String] { values[name] ?? [] }

    /// A value that must be one of the cases of `T` (`extra` names more accepted values).
    func choice<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type, extra: [String] = []) throws -> T?
    where T.RawValue == String {
        guard let text = value(name) else { return nil }
        guard let choice = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue) + extra
            let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined()
            throw UsageError(message: "invalid value `\(text)` for `\(name)` (expected \(list))")
        }
        return choice
    }

    /// A non-negative whole number; a number past `Int.max` is taken as `Int.max` (a limit
    /// that large is no limit).
    func count(_ name: String) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw UsageError(message: "`\(name)` takes a whole number, found `\(text)`")
        }
        return Int(text) ?? Int.max
    }

    /// A field name: not empty.
    func name(_ name: String) throws -> String? {
        guard let text = value(name) else { return nil }
        guard !text.isEmpty else { throw UsageError(message: "`\(name)` takes a field name, found an empty one") }
        return text
    }
}
