/* argdist's engine: its whole run after the command line (argdist_main, on
 * lib/engine/lifecycle.h): the probes built from -C and -H specs (aprobe),
 * the program, the filters and maps, each interval's counts and histograms
 * (text or JSON) with the values a full map dropped, and the Prometheus
 * exporter. */
#ifndef CBCC_ARGDIST_ENGINE_H
#define CBCC_ARGDIST_ENGINE_H

#include <signal.h>
#include <stdbool.h>

#include "cli.h"

/* argdist's options, as its command line gives them. */
struct argdist_opts {
	long pid, tid;
	int string_size;
	long interval, duration, count, top;
	bool verbose, cumulative, ebpf;
	char **includes;
	int nincludes;
	char **count_specs, **hist_specs;
	int ncount, nhist;
	struct cli_common common; /* --no-cache, --json, --kprobe/--fentry, --prometheus */
};

/* Runs argdist (signals already installed on *stop); main's exit status. */
int argdist_main(const struct argdist_opts *o, volatile sig_atomic_t *stop);

#endif
