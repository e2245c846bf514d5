import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two-core streaming pass for event files (JSONL and CSV).
///
/// The input is cut into blocks of whole lines. (A CSV file's first block is parsed alone,
/// to learn the header the others need; a CSV block cut inside a quoted field makes the
/// pass give up.) Blocks are parsed two at a time, one per core; then the parsed events
/// are processed by `shardCount` shards, each owning the leads whose id hashes to it, on
/// whichever core is free. Leads are independent (SPEC.md 6.1) and each shard sees its
/// leads' events in input order, so the verdicts are exactly those of the one-core pass;
/// rejected records are reported in input order too.
///
/// The pass declines (`applies` is false) for what it does not handle, a traced lead, and
/// gives up (throws `ParallelStreaming.Fallback`) on a line too long for a block or a
/// record across blocks, when the caller runs the one-core pass; on events out of order
/// met after other blocks were processed, when the caller runs it again with `buffered`.
/// (Met in the first blocks processed, as in a shuffled input, the pass goes on buffered
/// by itself: those blocks are still parsed.)
struct ParallelStreaming {
    /// Bytes read per block: large enough that synchronisation is rare, small enough that
    /// the three sets of two parsed blocks stay a few tens of megabytes.
    static let blockBytes = 2 << 20

    /// Shards, a power of two: each owns the leads whose id hash has its number in the top
    /// `shardBits` bits. More shards than cores, so that the tasks are small and a core that
    /// finishes early finds another to take: with one shard per core (and a barrier after
    /// each pair of blocks, before the pipeline ran as its inputs were ready), the core that
    /// drew the slower shard left the other idle.
    static let shardBits = 2
    static let shardCount = 1 << shardBits

    /// The shard that owns the lead whose id has hash `hash`.
    @inline(__always)
    static func shard(hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> UInt64(64 - shardBits)) }

    enum Fallback: Error {
        /// A line longer than a block: the one-core reader rejects it in bounded memory.
        case lineTooLong
        /// A CSV block was cut inside a quoted field (a record spans the cut): the one-core
        /// reader follows the quoting from the start.
        case recordCrossesBlock
        /// A lead's events go back in time: the buffered pass sorts them.
        case outOfOrder
    }

    let program: Program
    let options: EvaluationOptions
    /// Makes a reader whose buffer holds a block of the given number of bytes.
    let makeReader: (Int) -> EventReader

    /// Whether the pass applies: only files (standard input is spooled to one), and no trace.
    var applies: Bool {
        options.traceLead == nil && options.sources.allSatisfy { source in
            if case .file = source.input { return true }
            return false
        }
    }

    /// Runs the pass; `onReject` receives every rejected record, in input order. With
    /// `buffered`, the shards keep the events and process them once all are read, each
    /// lead's in (time, input position) order: for input out of order.
    ///
    /// The stages run as their inputs are ready, not in lockstep: a pair of blocks is
    /// parsed as soon as a set of workers is free, and each shard processes a parsed pair
    /// as soon as it is done with the one before (its tasks run in order on its own serial
    /// queue). Three sets of workers take turns, so that parsing runs up to two pairs ahead
    /// of the shards; with two sets and a barrier per stage, a core that finished its share
    /// of a stage early waited for the other.
    func run(buffered: Bool, onReject: (RejectedRecord, String) throws -> Void,
             finish: ([StreamingLeads], Int64?, Int, Int, [Rejection]) -> EvaluationResult) throws -> EvaluationResult {
        let asOf = options.asOf
        var buffered = buffered
        var shards = (0..<Self.shardCount).map { _ in Shard(program: program, buffered: buffered) }
        let shardQueues = (0..<Self.shardCount).map { DispatchQueue(label: "sla.shard.\($0)", target: .global()) }
        /// Whether the shards have processed any blocks yet.
        var processedAny = false
        let blockBytes = options.blockBytes
        var workerSets = (0..<3).map { _ in
            WorkerSet(workers: (0..<2).map { _ in Worker(reader: makeReader(blockBytes), program: program) })
        }
        let groups = workerSets.flatMap { [$0.parsed, $0.processed] }
        var records = 0, rejected = 0
        var rejections: [Rejection] = []
        /// Waits until no task of the pass runs: before returning or throwing, since tasks
        /// use the workers and shards.
        func drain() {
            for group in groups { group.wait() }
        }
        defer { drain() }

        /// Hands the set's parsed blocks to the shards. The first time, waits for them and
        /// checks the order: when events were out of order there (as in a shuffled input), the
        /// blocks are still parsed, so new shards buffer them and the pass goes on buffered;
        /// later, every event before them is gone, and the caller starts over
        /// (`Fallback.outOfOrder`, thrown by `checkOrder`).
        func process(_ set: WorkerSet) {
            let processing = Array(set.workers.prefix(set.parsing))
            guard !processing.isEmpty else { return }
            let current = shards
            for shard in 0..<Self.shardCount {
                shardQueues[shard].async(group: set.processed) {
                    current[shard].process(processing, shard: shard, asOf: asOf)
                }
            }
            guard !processedAny, !buffered else { return }
            processedAny = true
            set.processed.wait()
            guard current.contains(where: \.outOfOrder), !buffered else { return }
            buffered = true
            let fresh = (0..<Self.shardCount).map { _ in Shard(program: program, buffered: true) }
            DispatchQueue.concurrentPerform(iterations: Self.shardCount) { shard in
                fresh[shard].process(processing, shard: shard, asOf: asOf)
            }
            shards = fresh
        }
        /// Throws `Fallback.outOfOrder` when a shard met a lead's events out of order.
        func checkOrder() throws {
            if shards.contains(where: \.outOfOrder) { throw Fallback.outOfOrder }
        }

        for source in options.sources {
            guard case .file(let path) = source.input else { continue }
            let blocks: LineBlocks
            do {
                blocks = try LineBlocks(path: path, blockBytes: blockBytes)
            } catch let error as InputError {
                throw EvaluationError.input(source.naming(error), file: source.displayName)
            }
            defer { blocks.close() }
            var header: CSVHeader?
            /// The line the next block to be taken over starts on (1-based).
            var nextLine = 1
            /// The next block, into `destination`; a failed read is an error of this input.
            func nextBlock(into destination: UnsafeMutablePointer<UInt8>) throws -> LineBlocks.Cut? {
                do {
                    return try blocks.next(into: destination)
                } catch let error as InputError {
                    throw EvaluationError.input(source.naming(error), file: source.displayName)
                }
            }
            /// Waits for the set's parsing, takes over its counts and rejections (in input
            /// order), and hands its events to the shards.
            func takeOver(_ set: WorkerSet) throws {
                set.parsed.wait()
                if header == nil { header = set.workers[0].csvHeader }
                for worker in set.workers.prefix(set.parsing) {
                    if let error = worker.failure {
                        if let error = error as? InputError { throw EvaluationError.input(source.naming(error), file: source.displayName) }
                        throw error
                    }
                    records += worker.count
                    // A block parsed from line 1 has its lines moved after the ones before.
                    let lineShift = nextLine - worker.firstLine
                    nextLine += worker.lineFeeds
                    for var rejection in worker.rejections {
                        rejection.line += lineShift
                        rejected += 1
                        if rejections.count < EvaluationOptions.rejectionsKept {
                            rejections.append(Rejection(file: source.displayName, line: rejection.line, reason: rejection.reason))
                        }
                        try onReject(rejection, source.displayName)
                    }
                }
                process(set)
                try checkOrder()
            }
            /// The set parsing, whose results are not taken over yet.
            var parsing: WorkerSet?
            var turn = 0
            while true {
                let set = workerSets[turn % workerSets.count]
                turn += 1
                // The shards are done with the set's previous blocks: it may be parsed into.
                set.processed.wait()
                try checkOrder()
                // Until a CSV input's header is known, blocks are parsed one at a time.
                let pairing = source.format == .jsonl || header != nil
                let first: LineBlocks.Cut?, second: LineBlocks.Cut?
                do {
                    first = try nextBlock(into: set.workers[0].reader.blockBuffer)
                    second = first != nil && pairing ? try nextBlock(into: set.workers[1].reader.blockBuffer) : nil
                } catch {
                    // The records before the failed read are reported first.
                    if let previous = parsing { try takeOver(previous) }
                    throw error
                }
                guard let first else { break }
                let cuts = [first, second]
                set.parsing = second == nil ? 1 : 2
                let format = source.format
                for (index, worker) in set.workers.prefix(set.parsing).enumerated() {
                    worker.block = cuts[index]
                    worker.csvHeader = header
                    // Until the header is known, each block is taken over before the next is
                    // read, so its first line is known (and appears in header errors).
                    worker.firstLine = pairing ? 1 : nextLine
                    DispatchQueue.global().async(group: set.parsed) { worker.parse(path: path, format: format) }
                }
                // Meanwhile, the blocks parsed before are taken over (while these are parsed).
                if let previous = parsing { try takeOver(previous) }
                parsing = set
                if !pairing {
                    // The header decides whether the next blocks pair.
                    try takeOver(set)
                    parsing = nil
                }
            }
            if let previous = parsing { try takeOver(previous) }
        }
        drain()
        try checkOrder()
        // The workers' last parsed values are released on both cores rather than one by one
        // when the workers are freed; and the workers are freed now, before the buffered
        // events are sorted and the verdicts built, whose memory theirs would add to.
        var workers = workerSets.flatMap(\.workers)
        DispatchQueue.concurrentPerform(iterations: workers.count) { [workers] in workers[$0].values.removeAll() }
        workers = []
        workerSets = []
        if buffered {
            if rejected > options.maxBad {
                throw EvaluationError.tooManyRejected(rejected: rejected, maxBad: options.maxBad, rejections: rejections)
            }
            let shards = shards
            DispatchQueue.concurrentPerform(iterations: Self.shardCount) { shard in shards[shard].leads.processBuffered() }
        }
        let latest = shards.compactMap(\.leads.latest).max()
        return finish(shards.map(\.leads), asOf ?? latest, records, rejected, rejections)
    }

    /// Two workers that parse a pair of blocks together, and what waits for them.
    final class WorkerSet: @unchecked Sendable {
        let workers: [Worker]
        /// Workers given a block this turn (the first `parsing`).
        var parsing = 0
        /// Entered by the parsing tasks.
        let parsed = DispatchGroup()
        /// Entered by the shards' tasks that read the parsed blocks: until it is empty, the
        /// workers keep their columns.
        let processed = DispatchGroup()

        init(workers: [Worker]) { self.workers = workers }
    }

    /// A parsed event of a block, as the shards need it.
    struct ParsedEvent {
        /// `ByteHash` of the lead id; its top bits pick the shard.
        var hash: UInt64
        /// Milliseconds since the epoch.
        var time: Int64
        /// The lead id's bytes in the worker's `leadBytes`.
        var leadOffset: Int32
        var leadLength: Int32
        /// The program's id of the event type, -1 when the SLA never names it.
        var typeId: Int32
        /// Where the event's non-null attribute values start in the worker's `values` (and
        /// their slots in `valueSlots`); they end where the next event's start.
        var valueStart: Int32
    }

    /// Parses one block on one core into columns: per record its lead id (bytes in
    /// `leadBytes`), the id's hash (which also picks the shard), type id, time and
    /// attribute values.
    final class Worker: @unchecked Sendable {
        let reader: EventReader
        let program: Program
        /// The ids of the event types of the worker's records.
        let typeIds: TypeIdCache
        /// The block in the reader's buffer (parsed only when the worker's set gives it a
        /// block this turn: `WorkerSet.parsing`).
        var block: LineBlocks.Cut?
        /// For CSV: the header, once known (given before parsing, updated after).
        var csvHeader: CSVHeader?
        /// The line the block is parsed from: the line it starts on when known at the time
        /// (a CSV input's blocks before its header, parsed one at a time), else 1, and its
        /// rejected records' lines are moved when it is taken over.
        var firstLine = 1
        /// Line feeds in the block, counted while parsing it.
        private(set) var lineFeeds = 0
        /// Parsed records: `events` has one entry per record, `leadBytes` the records' lead
        /// ids, `values` and `valueSlots` each record's non-null attribute values and their
        /// slots. Most slots of most events are null: stored densely, the rows would be most
        /// of the memory the parsers write and the shards read.
        var count: Int { events.count }
        let leadBytes = FlatColumn<UInt8>(capacity: 1 << 20)
        /// Room for 32,768 records (1 MiB, ordinary pages): a 2 MiB block of 60-byte lines or
        /// longer. Twice that made a 2 MiB page per worker, zeroed whole on first touch while
        /// a block of the example's lines (about 19,000) wrote 600 KB of it: 12 MB more
        /// written for the six workers. More records grow the column.
        let events = FlatColumn<ParsedEvent>(capacity: 1 << 15)
        let values = FlatColumn<Value>(capacity: 1 << 16)
        let valueSlots = FlatColumn<UInt32>(capacity: 1 << 16)
        /// By shard: the positions in `events` of the records whose lead it owns, in order.
        let shardEvents = (0..<ParallelStreaming.shardCount).map { _ in FlatColumn<Int32>(capacity: 1 << 14) }

        /// The bytes of `event`'s lead id (`event.leadLength` of them), valid until the next
        /// parse.
        @inline(__always)
        func leadId(_ event: ParsedEvent) -> UnsafePointer<UInt8> { UnsafePointer(leadBytes.base + Int(event.leadOffset)) }

        /// Type texts, kept only when the SLA reads `event.type`.
        var typeTexts: [String] = []
        var rejections: [RejectedRecord] = []
        var failure: Error?

        init(reader: EventReader, program: Program) {
            self.reader = reader
            self.program = program
            typeIds = TypeIdCache(program: program)
        }

        func parse(path: String, format: InputFormat) {
            events.removeAll()
            values.removeAll()
            valueSlots.removeAll()
            leadBytes.removeAll()
            for positions in shardEvents { positions.removeAll() }
            typeTexts.removeAll(keepingCapacity: true)
            rejections.removeAll(keepingCapacity: true)
            failure = nil
            lineFeeds = 0
            guard let block else { return }
            let typeIds = self.typeIds
            let keepsTypeTexts = program.readsEventType
            // Unretained: the worker holds the columns, and appending through the array's
            // references retained and released one at every event.
            let shardEvents = self.shardEvents.map { Unmanaged.passUnretained($0) }
            do {
                lineFeeds = try reader.readRaw(.file(path: path), format: format, firstLine: firstLine,
                                   skipsByteOrderMark: block.isStart, block: block, csvHeader: &csvHeader, accept: { record in
                    let hash = ByteHash.hash(record.lead, record.leadLength)
                    _ = shardEvents[ParallelStreaming.shard(hash: hash)]._withUnsafeGuaranteedRef {
                        $0.append(Int32(truncatingIfNeeded: events.count))
                    }
                    events.append(ParsedEvent(hash: hash, time: record.time,
                                              leadOffset: Int32(truncatingIfNeeded: leadBytes.count),
                                              leadLength: Int32(truncatingIfNeeded: record.leadLength),
                                              typeId: Int32(truncatingIfNeeded: typeIds.typeId(record.type, record.typeLength)),
                                              valueStart: Int32(truncatingIfNeeded: values.count)))
                    leadBytes.append(contentsOf: record.lead, record.leadLength)
                    // Moved, not copied: the parser's storage holds them only until the next record.
                    let source = UnsafeMutablePointer(mutating: record.attributes)
                    for index in 0..<record.presentCount {
                        let slot = record.presentSlots[index]
                        values.append(moving: source + Int(slot), 1, leaving: .null)
                        valueSlots.append(slot)
                    }
                    if keepsTypeTexts {
                        typeTexts.append(record.typeText)
                    }
                }, reject: { rejections.append($0) })
            } catch {
                failure = error
            }
        }
    }

    /// The leads of one of `shardCount` parts of the hash space.
    final class Shard: @unchecked Sendable {
        let leads: StreamingLeads
        let buffered: Bool
        /// Set when a lead's events went back in time (streaming only); the shard then
        /// processes nothing more. Read by the pass while the shard may be running.
        private let outOfOrderFlag = Atomic<Bool>(false)
        var outOfOrder: Bool { outOfOrderFlag.load(ordering: .relaxed) }

        init(program: Program, buffered: Bool) {
            leads = StreamingLeads(program: program)
            leads.keepsTypeTexts = program.readsEventType
            self.buffered = buffered
            row = EventRow(count: program.attributeNames.count)
        }

        deinit {
            positions.deallocate()
            leadNumbers.deallocate()
            slotEntries.deallocate()
        }

        /// Events per run of `process`: their leads' records stay in cache between the
        /// lookups and the processing.
        static let runLength = 512
        /// This shard's events of a run (positions in the worker's columns) and their
        /// leads' numbers: scratch of `process`.
        /// Raw storage of `runLength` entries each, so that filling them checks nothing.
        private let positions = UnsafeMutablePointer<Int32>.allocate(capacity: Shard.runLength)
        private let leadNumbers = UnsafeMutablePointer<Int32>.allocate(capacity: Shard.runLength)
        /// The first slot of each of this shard's events of a run, then the lead it names
        /// when that is the event's (else -1): scratch of `process`.
        private let slotEntries = UnsafeMutablePointer<UInt64>.allocate(capacity: Shard.runLength)
        /// Where the values read ahead of the lookups go, so that the reads are not
        /// optimised away.
        private(set) var sink: UInt64 = 0
        /// The current event's attribute values, one per slot.
        private let row: EventRow

        /// Processes (or buffers) this shard's events of the parsed blocks, in block order.
        func process(_ workers: [Worker], shard: Int, asOf: Int64?) {
            guard !outOfOrder else { return }
            let states = leads.states
            for worker in workers {
                // In runs of a few hundred events: first what the events' lookups and
                // processing read, in loops of reads only: reads for consecutive events do
                // not depend on each other, so their cache misses overlap instead of each
                // stalling one event's processing. Then the leads' numbers, and the events
                // (streaming, after the order check), whose leads' records are now in cache.
                let mine = worker.shardEvents[shard]
                var next = 0
                while next < mine.count {
                    let runEnd = min(mine.count, next + Shard.runLength)
                    // Read ahead in two passes, the slots, then what the slots name (and,
                    // processing rather than buffering, the lead's state), so that no read
                    // waits for another in the same pass.
                    var touched: UInt64 = 0
                    let valueCount = worker.values.count
                    for ahead in next..<runEnd {
                        let event = worker.events[Int(mine[ahead])]
                        slotEntries[ahead - next] = states.slotEntry(hash: event.hash)
                        // The event's lead id, first value and slot: the parsing core wrote
                        // them a few megabytes ago, so they are no longer in this core's cache.
                        if event.leadLength > 0 { touched &+= UInt64(worker.leadId(event).pointee) }
                        let valueStart = Int(event.valueStart)
                        if valueStart < valueCount {
                            touched &+= UInt64(UnsafeRawPointer(worker.values.base + valueStart).load(as: UInt8.self))
                            touched &+= UInt64(worker.valueSlots.base[valueStart])
                        }
                    }
                    // The first slot names the event's lead for most events: checked here,
                    // where the misses overlap, that lead needs no lookup below. (The lead
                    // numbers stay valid as leads are added.)
                    for index in 0..<(runEnd - next) {
                        let event = worker.events[Int(mine[next + index])]
                        let (lead, read) = states.touch(slotEntry: slotEntries[index], hash: event.hash,
                                                        worker.leadId(event), Int(event.leadLength), state: !buffered)
                        slotEntries[index] = UInt64(bitPattern: Int64(lead))
                        touched &+= read
                    }
                    sink &+= touched
                    var runCount = 0
                    let runStart = next
                    while next < runEnd {
                        let position = Int(mine[next])
                        let found = Int(Int64(bitPattern: slotEntries[next - runStart]))
                        next += 1
                        let event = worker.events[position]
                        if let asOf, event.time > asOf { continue }
                        let lead = found >= 0 ? found : states.lead(worker.leadId(event), Int(event.leadLength), hash: event.hash).lead
                        positions[runCount] = Int32(truncatingIfNeeded: position)
                        leadNumbers[runCount] = Int32(truncatingIfNeeded: lead)
                        runCount += 1
                    }
                    for index in 0..<runCount {
                        let position = Int(positions[index])
                        let event = worker.events[position]
                        let typeText = leads.keepsTypeTexts ? worker.typeTexts[position] : ""
                        let valueEnd = position + 1 < worker.count ? Int(worker.events[position + 1].valueStart) : worker.values.count
                        let attributes = row.fill(values: worker.values.base, slots: worker.valueSlots.base,
                                                  from: Int(event.valueStart), to: valueEnd)
                        defer { row.clear(slots: worker.valueSlots.base, from: Int(event.valueStart), to: valueEnd) }
                        if buffered {
                            leads.buffer(lead: Int(leadNumbers[index]), typeId: Int(event.typeId), typeText: typeText,
                                         time: event.time, attributes: attributes,
                                         presentSlots: worker.valueSlots.base + Int(event.valueStart),
                                         presentCount: valueEnd - Int(event.valueStart))
                        } else {
                            // A new lead's last time is `Int64.min`: never out of order. (The
                            // events of the run processed before are thrown away with the
                            // shard, as the pass starts over buffered.)
                            let lead = Int(leadNumbers[index])
                            if event.time < states.lastTime(lead).pointee {
                                outOfOrderFlag.store(true, ordering: .relaxed)
                                return
                            }
                            leads.noteTime(event.time)
                            leads.processor.process(lead: lead, typeId: Int(event.typeId), typeText: typeText,
                                                    time: event.time, attributes: attributes,
                                                    presentSlots: worker.valueSlots.base + Int(event.valueStart),
                                                    presentCount: valueEnd - Int(event.valueStart))
                        }
                    }
                }
            }
        }
    }
}

/// Reads a file as blocks of whole lines (each ends with a line feed, except perhaps the
/// file's last), with the line number each block starts on. Each block is read straight
/// into the buffer of the reader that parses it; only the partial line after the cut is
/// copied, to start the next block.
final class LineBlocks {
    /// Where a block was cut.
    struct Cut {
        /// Bytes in the block.
        var length: Int
        /// True for the block at the start of the file (where a byte order mark may stand).
        var isStart: Bool
        /// True for the block that ends the file.
        var isLast: Bool
    }

    /// A block with its bytes (for tests).
    struct Block {
        var bytes: [UInt8]
        var firstLine: Int
        var isStart: Bool
    }

    private let descriptor: Int32
    let blockBytes: Int
    /// The partial line after the last cut: `carry[0 ..< carried]`.
    private let carry: UnsafeMutablePointer<UInt8>
    private var carried = 0
    private var atEnd = false
    /// The line the next block of `next()` starts on (tests only).
    private var nextLine = 1
    private var isStart = true

    init(path: String, blockBytes: Int) throws {
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw InputError(kind: .unreadable, message: "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        self.blockBytes = blockBytes
        carry = .allocate(capacity: blockBytes)
    }

    deinit { carry.deallocate() }

    func close() { _ = Glibc.close(descriptor) }

    /// Reads the next block into `destination` (room for `blockBytes` bytes); nil at the
    /// end of the file. Throws `ParallelStreaming.Fallback.lineTooLong` when a whole block
    /// holds no line feed.
    func next(into destination: UnsafeMutablePointer<UInt8>) throws -> Cut? {
        memcpy(destination, carry, carried)
        var filled = carried
        carried = 0
        while filled < blockBytes && !atEnd {
            let count = read(descriptor, destination + filled, blockBytes - filled)
            if count < 0 {
                if errno == EINTR { continue }
                throw InputError(kind: .unreadable, message: "read failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { atEnd = true } else { filled += count }
        }
        if filled == 0 { return nil }
        var length = filled
        if !atEnd {
            // Cut after the last line feed; the rest starts the next block.
            // (Lines are short: the scan back from the end stops after a few hundred bytes.)
            var lastLineFeed = filled - 1
            while lastLineFeed >= 0, destination[lastLineFeed] != 10 { lastLineFeed -= 1 }
            guard lastLineFeed >= 0 else { throw ParallelStreaming.Fallback.lineTooLong }
            length = lastLineFeed + 1
            carried = filled - length
            memcpy(carry, destination + length, carried)
        }
        // Line feeds are counted by the parsing worker, on its own core.
        let cut = Cut(length: length, isStart: isStart, isLast: atEnd && carried == 0)
        isStart = false
        return cut
    }

    /// The next block as an array, with the line it starts on (for tests).
    func next() throws -> Block? {
        let destination = UnsafeMutablePointer<UInt8>.allocate(capacity: blockBytes)
        defer { destination.deallocate() }
        guard let cut = try next(into: destination) else { return nil }
        let bytes = Array(UnsafeBufferPointer(start: destination, count: cut.length))
        defer { nextLine += bytes.count { $0 == 10 } }
        return Block(bytes: bytes, firstLine: nextLine, isStart: cut.isStart)
    }
}

/// One event's attribute values as the evaluator reads them, one per slot, rebuilt from a
/// worker's sparse columns (its non-null values and their slots): a shard's scratch.
///
/// `fill` puts bitwise copies of values the worker owns into the slots, without reference
/// counting: they are valid while the worker's columns are, and only read. `clear` writes
/// the null bit pattern back over them without destroying them, so that every slot is null
/// between events and the copies are never released.
final class EventRow {
    private let slots: UnsafeMutablePointer<Value>
    private let count: Int
    /// A `.null`, whose bytes `clear` copies.
    private let null: UnsafeMutablePointer<Value>

    init(count: Int) {
        self.count = max(1, count)
        slots = .allocate(capacity: self.count)
        slots.initialize(repeating: .null, count: self.count)
        null = .allocate(capacity: 1)
        null.initialize(to: .null)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
        null.deinitialize(count: 1)
        null.deallocate()
    }

    /// Places `values[start ..< end]` at their slots `valueSlots[start ..< end]`; returns
    /// the row, valid until `clear` with the same range.
    @inline(__always)
    func fill(values: UnsafePointer<Value>, slots valueSlots: UnsafePointer<UInt32>, from start: Int, to end: Int) -> UnsafePointer<Value> {
        for index in start ..< end {
            UnsafeMutableRawPointer(slots + Int(valueSlots[index])).copyMemory(from: values + index, byteCount: MemoryLayout<Value>.size)
        }
        return UnsafePointer(slots)
    }

    /// Makes the slots `fill` set null again.
    @inline(__always)
    func clear(slots valueSlots: UnsafePointer<UInt32>, from start: Int, to end: Int) {
        for index in start ..< end {
            UnsafeMutableRawPointer(slots + Int(valueSlots[index])).copyMemory(from: null, byteCount: MemoryLayout<Value>.size)
        }
    }
}
