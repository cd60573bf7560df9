/* Ctrl-C loses no event: after a stop signal a tool detaches every probe
 * first, so nothing new arrives, then reads its perf buffers until they are
 * empty, so every event the kernel wrote is printed and every loss is
 * reported. A second signal cuts that short. */
#ifndef CBCC_DRAIN_H
#define CBCC_DRAIN_H

#include <signal.h>
#include <stdbool.h>

#include "runtime.h"

struct drain {
	struct cbcc_bpf *b;
	volatile sig_atomic_t *stop; /* set by the stop signals (signals.h) */
	bool detached;
};

/* Before the poll loop, once b's perf buffers are open: from the first event
 * read after a stop signal every probe is detached, so even a long backlog
 * being read has an end; after a second signal, or once stdout cannot be
 * written, events are only counted. */
void drain_arm(struct drain *d, struct cbcc_bpf *b, volatile sig_atomic_t *stop);
/* After the poll loop ended on a stop signal: detaches every probe (if not
 * yet) and delivers every event still in the perf buffers to the tool's
 * callbacks, with the losses the kernel still holds back. Events a second
 * signal or a failed stdout held back are reported on stderr as "TOOL: N
 * events left unread"; returns N. */
unsigned long long drain_finish(struct drain *d, const char *tool);

#endif
