/* The pattern engine of the counting tools (funccount, stackcount): their
 * shared options, the probes a pattern matches and how each attaches, the
 * filter config, and their whole run on lib/engine/lifecycle.h (banner, summary
 * intervals, "Detaching...", the Prometheus exporter). A tool adds what it
 * counts: its program, its tables and how it prints them. */
#ifndef CBCC_PATTERN_H
#define CBCC_PATTERN_H

#include <signal.h>
#include <stdbool.h>

#include "cli.h"
#include "maps.h"
#include "prom.h"
#include "runtime.h"
#include "wcplan.h"
#include "wildcard.h"

#define PATTERN_FOREVER 99999999L /* BCC's interval when none is given */

/* The options every counting tool has. */
struct pattern_opts {
	long pid, cpu, interval, duration;
	bool timestamp, regexp, debug;
	const char *pattern;
	struct cli_common common; /* --no-cache, --json, --no-multi, --kprobe/--fentry,
				     --prometheus, --quiet */
};

/* Takes getopt's c if it is one of -p, -c, -i, -T, -r; false otherwise. */
bool pattern_option(int c, const char *arg, struct pattern_opts *o);
/* After getopt: the one positional argument, the pattern (usage error when
 * missing or followed by more). */
void pattern_positional(int argc, char **argv, struct pattern_opts *o);
/* Last: the shared options' rules, and the interval (-d alone: one summary
 * at its end; neither: BCC's "forever"). */
void pattern_options_done(struct pattern_opts *o);

/* What the pattern matched and how each match attaches. */
struct pattern {
	struct wc_pattern pat;
	struct wc_list probes;
	char **fn_names;	/* per match: its BPF function (USDT, fentry, single) */
	char *first_fn;		/* fn_names[0] before planning: the program shared by all */
	struct wc_plan plan;	/* how each match attaches */
	struct cbcc_map counts; /* table counts_table */
	int attached;
	struct prom_exporter *prom; /* --prometheus */
};

/* A counting tool: its settings and the hooks of what it counts. */
struct pattern_tool {
	const char *name;	  /* "funccount" */
	const char *fn_prefix;	  /* of the per-match BPF functions: "cbcc_count_" */
	const char *counts_table; /* the counts table (the tool's contract) */
	struct pattern_opts *o;
	bool by_syscall_nr; /* raw_syscalls programs (wc_plan_opts) */
	bool one_prog;	    /* every match but fentry ones runs first_fn */
	const char *multi;  /* the program multi-probe links run (one_prog: first_fn) */
	const char *sys_enter, *sys_exit; /* the raw_syscalls programs */
	bool banner_stderr;		  /* the banner on stderr (besides --json, --quiet) */
	bool no_detach_line;		  /* no "Detaching..." at the end */
	/* a perf buffer read while waiting, or NULL */
	const char *perf_table;
	rt_event_cb on_event;
	rt_lost_cb on_lost;
	void *cookie;
	char *(*generate)(void *cookie, struct pattern *p, struct cbcc_err *err);
	/* after the filters and cbcc_counts are set up, before attaching */
	int (*configure)(void *cookie, struct pattern *p, struct cbcc_bpf *b, struct cbcc_err *err);
	/* --prometheus: its families and prom_start */
	int (*exporter)(void *cookie, struct pattern *p, struct cbcc_err *err);
	void (*print)(void *cookie, struct pattern *p); /* one summary */
	void (*finish)(void *cookie);			/* frees the tool's state */
};

/* Runs the tool (signals already installed on *stop); main's exit status. */
int pattern_main(const struct pattern_tool *t, struct pattern *p, volatile sig_atomic_t *stop);

#endif
