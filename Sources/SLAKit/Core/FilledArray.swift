/// An array of `count` elements that `initialize` writes in place, in full (it gets the
/// first element's uninitialized memory; nil when `count` is 0). An empty one is `[]`: one
/// made with `unsafeUninitializedCapacity` writes its count into the storage that every
/// empty array shares, which other threads may be reading (ThreadSanitizer reports it).
func filledArray<Element>(count: Int, _ initialize: (UnsafeMutablePointer<Element>?) -> Void) -> [Element] {
    guard count > 0 else {
        initialize(nil)
        return []
    }
    return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
        initialize(buffer.baseAddress!)
        initialized = count
    }
}
