/* What the syscall-tracepoint "snoop" tools (execsnoop, opensnoop) share:
 * their whole life after the command line (snoop_main, on lib/engine/lifecycle.h): the program built
 * from a template, a list of tracepoints attached, the perf buffer with
 * lost-event accounting, the poll loop and a clean exit. */
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

/* A snoop tool, as its command line set it up. The program's events arrive
 * in perf buffer "snoop_events". */
struct snoop_tool {
	const char *name;     /* "execsnoop": prefix of messages */
	const char *template; /* in templates/, rendered after the prelude */
	const struct tvar *vars;
	int nvars;
	bool ebpf;	 /* --ebpf: print the program and exit */
	bool no_cache;	 /* --no-cache */
	long pid;	 /* the process the tool is limited to, or 0 */
	double duration; /* seconds, 0: until Ctrl-C */
	int pages;	 /* perf buffer pages per CPU */
	/* --cgroupmap / --mntnsmap: paths of pinned hash maps whose keys are the
	 * only cgroup ids / mount namespace ids traced, or NULL */
	const char *cgroupmap, *mntnsmap;
	const struct snoop_tp *tps;
	int ntps;
	void *cookie; /* passed to the callbacks */
	rt_event_cb on_event;
	/* after the compile, before attaching: fills the program's tables */
	int (*configure)(struct cbcc_bpf *b, void *cookie, struct cbcc_err *err);
	void (*header)(void *cookie); /* once attached */
	void (*finish)(void *cookie); /* after detaching, before the lost count */
};

/* Runs the tool until Ctrl-C/SIGTERM (*stop; what is still buffered is
 * printed then, see drain.h), -d's end or a closed stdout; returns main's
 * exit status. Any failure is one line on stderr, status 1. */
int snoop_main(const struct snoop_tool *t, volatile sig_atomic_t *stop);

/* A user name or a numeric uid; false when neither. */
bool snoop_parse_uid(const char *arg, long *uid);
/* Writes `bytes` to config table `name` (a one-entry array). */
int snoop_set_config(struct cbcc_bpf *b, const char *name, const void *bytes, struct cbcc_err *err);

#endif
