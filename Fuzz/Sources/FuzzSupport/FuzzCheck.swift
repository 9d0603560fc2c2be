#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops the process with `message` when `condition` is false: libFuzzer then saves the input as a crash.
///
/// The message is printed with control characters escaped and cut to a few kilobytes.
public func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    guard !condition() else { return }
    var text = "\(file):\(line): invariant broken: \(message())"
    if text.utf8.count > 4000 { text = String(text.prefix(4000)) + "…" }
    let bytes = Array((visible(text) + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    abort()
}

/// `text` with control characters shown as `\u{…}`, for failure messages.
public func visible(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        if scalar.value < 0x20 || scalar.value == 0x7F {
            result += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// Whether `FUZZ_TRACE` is set: harnesses then print the values they built from an input (to see what a crash
/// input or a seed means: `FUZZ_TRACE=1 .build/debug/fuzz-context Corpus/fuzz-context/full-request`).
private let isTracing = getenv("FUZZ_TRACE") != nil

/// Prints `message` (control characters escaped) when ``isTracing``.
public func trace(_ message: @autoclosure () -> String) {
    guard isTracing else { return }
    let bytes = Array((visible(message()) + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
