/// A bounded FIFO of finished spans awaiting export. When full, the oldest span is dropped and counted: a slow or
/// absent collector must cost memory bounded by the capacity, never the function's requests.
struct SpanQueue {
    struct Entry {
        let destination: TraceDestination
        let span: FinishedSpan
    }

    let capacity: Int
    private var entries: [Entry?]
    private var head = 0
    private(set) var count = 0
    /// Spans dropped because the queue was full, since start.
    private(set) var droppedTotal = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.entries = Array(repeating: nil, count: self.capacity)
    }

    var isEmpty: Bool { count == 0 }

    mutating func append(_ entry: Entry) {
        if count == capacity {
            entries[head] = nil
            head = (head + 1) % capacity
            count -= 1
            droppedTotal += 1
        }
        entries[(head + count) % capacity] = entry
        count += 1
    }

    /// Removes and returns up to `limit` spans, oldest first.
    mutating func take(upTo limit: Int) -> [Entry] {
        let taken = min(limit, count)
        var result: [Entry] = []
        result.reserveCapacity(taken)
        for _ in 0..<taken {
            if let entry = entries[head] { result.append(entry) }
            entries[head] = nil
            head = (head + 1) % capacity
        }
        count -= taken
        return result
    }
}
