// fopencookie is a GNU extension: glibc declares it only with _GNU_SOURCE, which Swift's C library module does not
// define; this file does.
#define _GNU_SOURCE
#include "CRuntimeSupport.h"

FILE *c_line_stream_open(void *cookie, c_line_stream_write write) {
#if defined(__linux__)
    cookie_io_functions_t functions = {.read = NULL, .write = write, .seek = NULL, .close = NULL};
    FILE *stream = fopencookie(cookie, "w", functions);
    if (stream != NULL && setvbuf(stream, NULL, _IOLBF, 0) != 0) {
        fclose(stream);
        return NULL;
    }
    return stream;
#else
    (void)cookie;
    (void)write;
    return NULL;
#endif
}
