/* One start-to-exit sequence for every tool:
 *   check -> build -> generate -> (print the source) -> compile ->
 *   configure (always before attach) -> attach -> started -> loop (poll,
 *   intervals, duration, closed stdout, Ctrl-C) -> detach -> finish.
 * A tool fills a struct lc_tool with its settings and hooks (each may be
 * NULL) and returns lc_main's status from main(). The hooks get the tool's
 * cookie and the program (struct cbcc_bpf); a failing hook fills err and
 * returns non-zero: lc_main prints "TOOL: message" and returns 1 (0 when a
 * stop signal cut the work short: nothing to report). */
#ifndef CBCC_LIFECYCLE_H
#define CBCC_LIFECYCLE_H

#include <signal.h>
#include <stdbool.h>

#include "runtime.h"
#include "util.h"

struct lc_tool {
	const char *name;      /* "funccount": prefix of messages */
	void *cookie;	       /* passed to every hook */
	pid_t pid;	       /* the process traced (checked to exist), or 0 */
	bool ebpf;	       /* print the program's source and exit (no root needed) */
	bool verbose;	       /* print the source, then go on; libbcc's messages */
	bool source_to_stderr; /* --json: stdout holds JSON only */
	bool no_cache;	       /* --no-cache */
	bool quiet;	       /* stdout unused (--quiet): its closing is not watched */
	bool announce_detach;  /* "Detaching N probes..." when they detach one by one */
	double duration;       /* seconds, 0: until Ctrl-C */
	long interval;	       /* seconds between on_interval calls, 0: none */
	/* a BPF_PERF_OUTPUT table read while waiting, or NULL */
	const char *perf_table;
	int perf_pages;
	rt_event_cb on_event;
	rt_lost_cb on_lost; /* NULL: "Possibly lost N samples" and a total at exit */
	bool drain;	    /* after Ctrl-C print everything still buffered (drain.h),
			       unless the done hook ended the run */

	/* after the checks: find the probes, plan them */
	int (*build)(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err);
	/* the program's whole source (caller frees) */
	char *(*generate)(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err);
	/* after the compile, before attaching: fill the program's tables */
	int (*configure)(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err);
	int (*attach)(void *cookie, struct cbcc_bpf *b, volatile sig_atomic_t *stop,
		      struct cbcc_err *err);
	/* once attached (not after a stop signal): headers, an exporter */
	int (*started)(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err);
	/* while waiting: a descriptor that ends the wait when readable (-1:
	 * none), and what to do then (an exporter's scrape) */
	int (*wake_fd)(void *cookie);
	void (*serve)(void *cookie);
	/* at the end of each interval (last: the run ends after it); false
	 * ends the run (stdout gone, a count of intervals reached) */
	bool (*on_interval)(void *cookie, bool last);
	/* after each wait: true ends the run as the duration's end does (a
	 * maximum of events printed: trace -M) */
	bool (*done)(void *cookie);
	/* after detaching */
	void (*finish)(void *cookie);
};

/* Runs the tool until Ctrl-C/SIGTERM (*stop), the duration's end or a
 * closed stdout; returns main's exit status. */
int lc_main(const struct lc_tool *t, volatile sig_atomic_t *stop);
struct prom_exporter;
/* lc_main behind a --prometheus exporter (addr, NULL for none): the server
 * is opened first, before anything is attached, so a bad or busy address is
 * one error line and status 1 with nothing to undo (status 0 when a stop
 * signal interrupted it); *prom is what the tool's wake_fd/serve hooks use.
 * In a file of its own (lib/engine/exporting.c): the tools without an
 * exporter do not link the HTTP server's library. */
int lc_main_exporting(const struct lc_tool *t, const char *addr, struct prom_exporter **prom,
		      volatile sig_atomic_t *stop);

#endif
