#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Adapts a closure over `Decodable` input and `Encodable` output to ``EventHandler``: the event is decoded as
/// JSON, the result encoded as JSON. A decoding failure is a function error naming the type and the field.
struct CodableEventHandler<Input: Decodable, Output: Encodable>: EventHandler {
    let body: @Sendable (Input, FCContext) async throws -> Output

    func handle(_ event: ByteBuffer, context: FCContext) async throws -> ByteBuffer {
        let input: Input
        do {
            input = try JSONDecoder().decode(Input.self, from: Data(event.readableBytesView))
        } catch let error as DecodingError {
            throw EventDecodingError(typeName: String(describing: Input.self), decodingError: error)
        }
        let output = try await body(input, context)
        do {
            return ByteBuffer(data: try JSONEncoder().encode(output))
        } catch {
            throw ResultEncodingError(typeName: String(describing: Output.self), reason: "\(error)")
        }
    }
}

extension ByteBuffer {
    init(data: Data) {
        var buffer = ByteBufferAllocator().buffer(capacity: data.count)
        buffer.writeBytes(data)
        self = buffer
    }
}
