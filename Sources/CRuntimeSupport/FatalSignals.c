#include "CRuntimeSupport.h"

#include <signal.h>
#include <string.h>

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT};
enum { fatal_signal_count = sizeof(fatal_signals) / sizeof(fatal_signals[0]) };

static c_fatal_signal_callback fatal_callback;
static struct sigaction previous_actions[fatal_signal_count];
static volatile sig_atomic_t callback_ran;

static void on_fatal_signal(int signal_number) {
    if (!callback_ran) {
        callback_ran = 1;
        if (fatal_callback != NULL) fatal_callback();
    }
    // Hand the signal back to the previous handler. A fault (SEGV, BUS, ILL, FPE) re-executes its instruction and
    // meets it with the original context, which crash reports read. SIGABRT and SIGTRAP are raised again: abort()
    // would otherwise reset the default action itself, and x86's int3 resumes after the trap.
    for (int index = 0; index < fatal_signal_count; index++) {
        if (fatal_signals[index] == signal_number) sigaction(signal_number, &previous_actions[index], NULL);
    }
    if (signal_number == SIGABRT || signal_number == SIGTRAP) raise(signal_number);
}

void c_fatal_signals_install(c_fatal_signal_callback callback) {
    fatal_callback = callback;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    // SA_ONSTACK: a stack overflow is handled on the alternate stack, when the thread has one (Swift's reporter sets
    // one up).
    action.sa_flags = SA_ONSTACK;
    for (int index = 0; index < fatal_signal_count; index++) {
        sigaction(fatal_signals[index], &action, &previous_actions[index]);
    }
}
