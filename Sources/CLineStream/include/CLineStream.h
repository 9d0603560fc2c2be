#ifndef C_LINE_STREAM_H
#define C_LINE_STREAM_H

#include <stdio.h>
#include <sys/types.h>

/// Receives what is written to a stream made by `c_line_stream_open`: returns the number of bytes taken, or -1.
typedef ssize_t (*c_line_stream_write)(void *cookie, const char *buffer, size_t size);

/// A line-buffered, write-only stdio stream whose bytes go to `write` (glibc's and musl's `fopencookie`).
/// NULL where the C library has no `fopencookie`, or when it fails.
FILE *c_line_stream_open(void *cookie, c_line_stream_write write);

#endif
