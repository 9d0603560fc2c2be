// Everything a function target needs comes with `import FCRuntime`.
@_exported import HTTPTypes
@_exported import Logging
@_exported import struct NIOCore.ByteBuffer
@_exported import struct NIOCore.ByteBufferAllocator
// `withSpan`, `SpanAttributes` and `ServiceContext` for custom spans.
@_exported import Tracing
