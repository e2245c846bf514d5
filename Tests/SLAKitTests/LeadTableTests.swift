import Testing
@testable import SLAKit

/// The lead table numbers ids by their exact bytes and sorts them in byte order, as the
/// reports list leads.
@Suite struct LeadTableTests {
    /// Random ids over a tiny alphabet (so prefixes, shared 16-byte keys and NUL bytes are
    /// common), short and long.
    static func ids(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = SeededGenerator(seed: seed)
        let alphabet: [UInt8] = [0, 0x41, 0x42, 0x7A, 0xC3, 0xA9, 0xFF]
        return (0..<count).map { _ in
            let length = Int.random(in: 1...40, using: &generator)
            return (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
        }
    }

    /// With records in the entries (`recordWords`), each new id's record is filled, and
    /// every record must read back after the table grew and moved.
    @Test(arguments: [1, 2, 3], [0, 3, 6])
    func sortsInByteOrderAndNumbersOncePerId(seed: UInt64, recordWords: Int) {
        let table = LeadTable(recordWords: recordWords)
        let ids = LeadTableTests.ids(3_000, seed: seed)
        var numbers: [Int] = []
        for id in ids {
            let (lead, inserted) = id.withUnsafeBufferPointer { table.insert($0.baseAddress!, $0.count, hash: ByteHash.hash($0.baseAddress!, $0.count)) }
            if inserted {
                for word in 0..<recordWords {
                    #expect(table.record(lead)[word] == 0, "a new id's record is zero")
                    table.record(lead)[word] = UInt64(lead) &* 1_000_003 &+ UInt64(word)
                }
            }
            numbers.append(lead)
        }
        for lead in 0..<table.count {
            for word in 0..<recordWords { #expect(table.record(lead)[word] == UInt64(lead) &* 1_000_003 &+ UInt64(word)) }
        }
        let distinct = Set(ids.map { $0 })
        #expect(table.count == distinct.count)
        // The same id always gets the same number.
        var numberOf: [[UInt8]: Int] = [:]
        for (id, number) in zip(ids, numbers) {
            #expect(numberOf[id, default: number] == number)
            numberOf[id] = number
        }
        // Each id reads back byte for byte (kept in its entry up to 23 bytes, else in the
        // arena) and is found again.
        for (id, number) in numberOf {
            #expect(Array(UnsafeBufferPointer(start: table.bytes(number), count: table.length(number))) == id)
            #expect(id.withUnsafeBufferPointer { table.find($0.baseAddress!, $0.count, hash: ByteHash.hash($0.baseAddress!, $0.count)) } == number)
        }
        var absent = ids[0]
        absent.append(0x42)
        if !distinct.contains(absent) {
            #expect(absent.withUnsafeBufferPointer { table.find($0.baseAddress!, $0.count, hash: ByteHash.hash($0.baseAddress!, $0.count)) } == nil)
        }
        let sorted = table.sortedKeys().map(\.lead).map { lead in numberOf.first { $0.value == Int(lead) }!.key }
        #expect(sorted == distinct.sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// Ids around the longest kept in the entry (23 bytes) and ids that differ only after
    /// the 8 bytes an arena id's entry keeps: each is numbered once, found, and read back.
    @Test func idsAroundTheInlineLimitAreKeptExactly() {
        let table = LeadTable(recordWords: 5)
        var ids: [[UInt8]] = []
        for length in 1...40 {
            let stem = Array(repeating: UInt8(ascii: "x"), count: length - 1)
            ids.append(stem + [UInt8(ascii: "a")])
            ids.append(stem + [UInt8(ascii: "b")])
            ids.append(stem + [0xFF])
            // NUL bytes: an inline id is zero-padded, so only the length tells these apart.
            ids.append(Array(repeating: 0, count: length))
        }
        ids.append([])
        for id in ids + ids {
            _ = id.withUnsafeBufferPointer { table.insert($0.baseAddress!, $0.count, hash: ByteHash.hash($0.baseAddress!, $0.count)) }
        }
        #expect(table.count == ids.count)
        for (number, id) in ids.enumerated() {
            #expect(table.length(number) == id.count)
            #expect(Array(UnsafeBufferPointer(start: table.bytes(number), count: table.length(number))) == id)
            #expect(id.withUnsafeBufferPointer { table.find($0.baseAddress!, $0.count, hash: ByteHash.hash($0.baseAddress!, $0.count)) } == number)
        }
        #expect(table.find(String(repeating: "x", count: 23)) == nil)
        #expect(table.find(String(repeating: "x", count: 30) + "c") == nil)
    }

    /// The radix sort skips the bytes every key shares: ids with a common prefix, ids that
    /// differ in one byte only, and CRM-like ids, against a comparison sort.
    @Test(arguments: [
        (0..<2_000).map { "L-\(String(1_000_000 + $0 * 7919 % 2_000).dropFirst())" },
        (0..<300).map { "same-prefix-for-sixteen-bytes-\($0 % 17)-\($0)" },
        (0..<256).map { String(decoding: [UInt8(truncatingIfNeeded: $0 &* 151)], as: UTF8.self) + "x" },
        ["b", "a", "ab", "a\u{0}", "a\u{0}\u{0}", "", "\u{7F}", "é", "a"],
        ["00Q5g00000ABCDEFG1", "00Q5g00000ABCDEFG2", "00Q5g00000ABCDEFF9", "00Q5h00000A", "00Q4g00000ABCDEFG1"],
    ])
    func sortsCommonIdShapes(ids: [String]) {
        let table = LeadTable()
        for id in ids { _ = table.insert(id) }
        let sorted = table.sortedKeys().map { table.id(Int($0.lead)) }
        #expect(sorted.map { Array($0.utf8) } == Set(ids).map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// Ids spread over several tables (as over the shards of a run), sorted with the prefix
    /// they all share skipped and merged by `precedes`: byte order, also where ids agree on
    /// more than the key's twelve bytes after that prefix, or one is a prefix of another.
    @Test(arguments: [
        (0..<500).map { "lead-2026-03-\(String(1_000 + $0 * 7 % 500).dropFirst())-\($0 % 3)" },
        ["ab", "abc", "abcd", "ab\u{0}", "abd", "ab\u{0}\u{0}x"],
        (0..<60).map { "p\($0 % 2)-0123456789ab-\(59 - $0)" },
        // Ids longer than 23 bytes (kept in the arena), sharing a long prefix, enough of them
        // that the tables grow.
        (0..<5_000).map { "customer-lead-id-with-a-long-shared-prefix-\(10_000 + $0 * 7919 % 5_000)-\($0 % 7)" },
        ["only-one"],
        ["same", "same"],
        (0..<400).map { "00Q5e0000\(String(10_000_000 + $0 * 7919 % 400).dropFirst())AbCdEF" },
    ], [1, 3, 4])
    func mergesTablesSortedWithTheSharedPrefixSkipped(ids: [String], tableCount: Int) {
        let tables = (0..<tableCount).map { _ in LeadTable() }
        // As a run's shards: an id always goes to the same table.
        for id in ids { _ = tables[id.utf8.reduce(0) { $0 &+ Int($1) } % tableCount].insert(id) }
        let skip = LeadTable.sharedPrefix(of: tables)
        let distinct = Set(ids).map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        let shared = distinct.count == 1 ? distinct[0].count
            : (0...).first { position in distinct.contains { $0.count <= position || $0[position] != distinct[0][position] } }!
        #expect(skip == shared)
        let keys = tables.map { $0.sortedKeys(skipping: skip) }
        var cursors = Array(repeating: 0, count: tableCount)
        var merged: [[UInt8]] = []
        while true {
            var chosen = -1
            for table in 0..<tableCount where cursors[table] < keys[table].count {
                if chosen < 0 || tables[table].precedes(keys[table][cursors[table]], tables[chosen], keys[chosen][cursors[chosen]]) {
                    chosen = table
                }
            }
            guard chosen >= 0 else { break }
            merged.append(Array(tables[chosen].id(Int(keys[chosen][cursors[chosen]].lead)).utf8))
            cursors[chosen] += 1
        }
        #expect(merged == distinct)
    }
}
