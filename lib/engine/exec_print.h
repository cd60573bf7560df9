/* execsnoop's output, as BCC's execsnoop prints it: the columns (-T, -t,
 * -U), the arguments (quoted with -q), the -n/-l filters on the command and
 * its line, and --exit's run time, for which each line waits until its
 * process exits or execs again (templates/execsnoop.h's records). */
#ifndef CBCC_EXEC_PRINT_H
#define CBCC_EXEC_PRINT_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

struct exec_print_opts {
	bool time, timestamp, quote, print_uid, exit_times;
	const regex_t *name_re, *line_re; /* -n, -l (the caller's), or NULL */
};

struct exec_printer {
	struct exec_print_opts o;
	uint64_t first_ts;	      /* -t's zero */
	struct exec_pending *pending; /* --exit's waiting lines */
	int npending;
};

void exec_printer_init(struct exec_printer *p, const struct exec_print_opts *o);
/* Sets -t's zero: now. */
void exec_printer_start(struct exec_printer *p);
void exec_print_header(const struct exec_printer *p);
/* One perf record of templates/execsnoop.c. */
void exec_print_event(struct exec_printer *p, const void *data, int size);
/* Prints the lines still waiting (run time "-") and frees them. */
void exec_printer_finish(struct exec_printer *p);

#endif
