/* trace's engine: its whole run after the command line (trace_main, on
 * lib/engine/lifecycle.h): the probes built from their specs (tprobe), the
 * program, the filters, and each event of the perf buffer printed as a line
 * (columns, -t/-T, -C, stacks, -f, -n, -A, -M) or a JSON object. */
#ifndef CBCC_TRACE_ENGINE_H
#define CBCC_TRACE_ENGINE_H

#include <signal.h>
#include <stdbool.h>

#include "cli.h"

/* trace's options, as its command line gives them. */
struct trace_opts {
	int pages; /* per CPU, of the perf buffer */
	long tgid, tid, uid;
	bool verbose, ebpf, include_self;
	int string_size;
	long max_events;
	bool timestamp, unix_ts, time;
	bool print_cpu, bin_cmp, kstack, ustack, address, aggregate;
	const char *cgroup, *name, *msg_filter;
	const char *sym_files; /* -s: comma-separated */
	char **includes;
	int nincludes;
	struct cli_common common; /* --no-cache, --json, --kprobe/--fentry */
};

/* Runs trace for the n probe specs in texts (signals already installed on
 * *stop); main's exit status. */
int trace_main(const struct trace_opts *o, char **texts, int n, volatile sig_atomic_t *stop);

#endif
