/* What the syscall-tracepoint "snoop" tools (execsnoop, opensnoop) share:
 * building the program from a template, attaching a list of tracepoints,
 * the perf buffer with lost-event accounting, and the poll loop. */
#ifndef CBCC_SNOOP_H
#define CBCC_SNOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "runtime.h"
#include "template.h"
#include "util.h"

/* One BPF function attached to tracepoint category:event. Optional
 * tracepoints are skipped when this kernel does not have them. */
struct snoop_tp {
	const char *fn;
	const char *category;
	const char *event;
	bool optional;
};

struct snoop_perf {
	const char *tool; /* prefix of the lost-events messages */
	rt_event_cb on_event;
	void *cookie;
	unsigned long long lost;
};

/* The prelude followed by template `name` rendered with vars (new string). */
char *snoop_source(const char *name, const struct tvar *vars, int nvars, struct cbcc_err *err);
/* Loads and attaches every tracepoint of tps; stops early when *stop is set. */
int snoop_attach(struct cbcc_bpf *b, const struct snoop_tp *tps, int n, volatile sig_atomic_t *stop,
		 struct cbcc_err *err);
bool snoop_tp_exists(const char *category, const char *event);
/* Opens perf buffer `table`: events go to p->on_event, losses are counted
 * in p->lost and reported on stderr as they happen. */
int snoop_open_perf(struct cbcc_bpf *b, const char *table, struct snoop_perf *p, int pages,
		    struct cbcc_err *err);
/* Polls until *stop, stdout closes or duration_s seconds (0: no limit) pass. */
int snoop_loop(struct cbcc_bpf *b, volatile sig_atomic_t *stop, double duration_s,
	       struct cbcc_err *err);
/* Prints the total of lost events on stderr, if any. */
void snoop_report_lost(const struct snoop_perf *p);

/* A user name or a numeric uid; false when neither. */
bool snoop_parse_uid(const char *arg, long *uid);
/* Writes `bytes` to config table `name` (a one-entry array). */
int snoop_set_config(struct cbcc_bpf *b, const char *name, const void *bytes, struct cbcc_err *err);

#endif
