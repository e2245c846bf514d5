/// A growable array in raw memory: elements `0..<count` are initialized. The evaluator
/// keeps every lead's state in columns like this one, indexed by lead number, so that one
/// event touches a few contiguous slots instead of a graph of objects and arrays; reads and
/// writes through `base` skip Swift's bounds, uniqueness and exclusivity checks. Callers
/// guarantee indices are below `count`.
final class FlatColumn<Element> {
    /// The first element. Changes when the column grows: never keep it across an append.
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int
    /// Whether `base` is a region from `HugePages.reserve`, grown into in place.
    private var reserved = false
    /// The alignment of `base`, in bytes: at least the element's.
    private let alignment: Int

    /// `alignment` (a power of two, in bytes) raises the element's alignment for `base`,
    /// e.g. to 64 so that fixed-size groups of elements start on cache lines.
    init(capacity: Int = 16, alignment: Int = MemoryLayout<Element>.alignment) {
        self.capacity = max(1, capacity)
        self.alignment = max(alignment, MemoryLayout<Element>.alignment)
        base = HugePages.allocate(byteCount: self.capacity * MemoryLayout<Element>.stride, alignment: self.alignment)
            .bindMemory(to: Element.self, capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        release()
    }

    private func release() {
        if reserved { HugePages.release(UnsafeMutableRawPointer(base)) } else { base.deallocate() }
    }

    /// Appends `times` copies of `value`; returns the index of the first.
    @inline(__always)
    @discardableResult
    func append(_ value: Element, times: Int = 1) -> Int {
        let first = count
        if count + times > capacity { grow(to: count + times) }
        (base + count).initialize(repeating: value, count: times)
        count += times
        return first
    }

    /// Appends `length` elements copied from `source`; returns the index of the first.
    @inline(__always)
    @discardableResult
    func append(contentsOf source: UnsafePointer<Element>, _ length: Int) -> Int {
        let first = count
        if count + length > capacity { grow(to: count + length) }
        (base + count).initialize(from: source, count: length)
        count += length
        return first
    }

    /// Appends `length` elements moved out of `source`, which is left holding `filler`
    /// (no copy, so no reference counting, of the elements).
    @inline(__always)
    func append(moving source: UnsafeMutablePointer<Element>, _ length: Int, leaving filler: Element) {
        if count + length > capacity { grow(to: count + length) }
        (base + count).moveInitialize(from: source, count: length)
        source.initialize(repeating: filler, count: length)
        count += length
    }

    /// Removes every element, keeping the memory.
    @inline(__always)
    func removeAll() {
        base.deinitialize(count: count)
        count = 0
    }

    /// Removes every element, keeping the memory; only strings and lists need releasing.
    @inline(__always)
    func removeAll() where Element == Value {
        for index in 0..<count where base[index].holdsReference { (base + index).deinitialize(count: 1) }
        count = 0
    }

    /// The element at `index`, read and mutated in place (`column[i].field.append(x)` does
    /// not copy the element).
    @inline(__always)
    subscript(index: Int) -> Element {
        unsafeAddress { UnsafePointer(base + index) }
        unsafeMutableAddress { base + index }
    }

    /// Appends `value`; returns its index.
    @inline(__always)
    @discardableResult
    func append(_ value: Element) -> Int {
        let index = count
        if count == capacity { grow(to: count + 1) }
        (base + count).initialize(to: value)
        count += 1
        return index
    }

    private func grow(to needed: Int) {
        let stride = MemoryLayout<Element>.stride
        // A large column moves once into reserved address space, where it then grows for free.
        if !reserved, needed * stride >= HugePages.threshold, needed <= HugePages.reservationBytes / stride,
           let region = HugePages.reserve() {
            let newBase = region.bindMemory(to: Element.self, capacity: HugePages.reservationBytes / stride)
            newBase.moveInitialize(from: base, count: count)
            release()
            base = newBase
            capacity = HugePages.reservationBytes / stride
            reserved = true
            return
        }
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = HugePages.allocate(byteCount: newCapacity * stride, alignment: alignment)
            .bindMemory(to: Element.self, capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        release()
        base = newBase
        capacity = newCapacity
        reserved = false
    }
}
