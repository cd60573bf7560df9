/* Ctrl-C, SIGTERM, SIGHUP and a closed stdout all mean: stop cleanly. */
#ifndef CBCC_SIGNALS_H
#define CBCC_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/* Sets *flag to the signal number on SIGINT/SIGTERM/SIGHUP; ignores SIGPIPE
 * so a closed stdout shows up as a write error. Handlers interrupt system
 * calls (no SA_RESTART) so a poll returns at once. */
void signals_install(volatile sig_atomic_t *flag);

/* Whether one of those signals arrived (or the tool set the flag): long
 * loops in the library (planning, attaching) stop early when it did. */
bool signals_pending(void);

#endif
