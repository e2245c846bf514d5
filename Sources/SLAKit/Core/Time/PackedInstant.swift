/// An optional instant in 8 bytes (`Int64?` takes 9, so 16 in a struct or an array):
/// `CivilTime.noInstant` stands for nil. For the fields of records kept by the million.
struct PackedInstant: Sendable {
    private var raw: Int64

    init(_ instant: Int64?) { raw = instant ?? CivilTime.noInstant }

    /// Milliseconds since the epoch; nil for none.
    var value: Int64? {
        get { raw == CivilTime.noInstant ? nil : raw }
        set { raw = newValue ?? CivilTime.noInstant }
    }
}
