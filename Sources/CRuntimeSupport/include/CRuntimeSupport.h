#ifndef C_RUNTIME_SUPPORT_H
#define C_RUNTIME_SUPPORT_H

#include <stdio.h>
#include <sys/types.h>

/// Receives what is written to a stream made by `c_line_stream_open`: returns the number of bytes taken, or -1.
typedef ssize_t (*c_line_stream_write)(void *cookie, const char *buffer, size_t size);

/// A line-buffered, write-only stdio stream whose bytes go to `write` (glibc's and musl's `fopencookie`).
/// NULL where the C library has no `fopencookie`, or when it fails.
FILE *c_line_stream_open(void *cookie, c_line_stream_write write);

/// Called once, inside the signal handler, when the process receives its first fatal signal. It may only do what
/// is safe there: no allocation, no lock it might wait on; `write(2)` is fine.
typedef void (*c_fatal_signal_callback)(void);

/// Runs `callback` on the first of SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE and SIGABRT, then gives the signal back to
/// the handler that was installed before (Swift's crash reporter, a sanitizer's, or the default), which reports it
/// and ends the process as it would have. Call it once, before serving.
void c_fatal_signals_install(c_fatal_signal_callback callback);

#endif
