/* Ctrl-C, SIGTERM, SIGHUP and a closed stdout all mean: stop cleanly. */
#ifndef CBCC_SIGNALS_H
#define CBCC_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/* Sets *flag to the signal number on SIGINT/SIGTERM/SIGHUP; ignores SIGPIPE
 * so a closed stdout shows up as a write error. A poll or sleep returns at
 * once on a signal (they are never restarted); a blocking write to a slow
 * pipe is restarted, so a signal cannot turn it into a write error. */
void signals_install(volatile sig_atomic_t *flag);
/* How many of those signals have arrived since signals_install. */
int signals_received(void);
/* From now on a signal also interrupts blocking writes: after the first
 * signal, a second one must end the program even when its reader stalls. */
void signals_interrupt_writes(void);

/* Whether one of those signals arrived (or the tool set the flag): long
 * loops in the library (planning, attaching) stop early when it did. */
bool signals_pending(void);

#endif
