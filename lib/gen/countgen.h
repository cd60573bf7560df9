/* funccount's and stackcount's BPF programs, from a pattern's matches. No
 * name of a match (ELF symbol, USDT provider or probe, tracepoint) enters
 * the program: its functions are named by the tools (cbcc_count_N,
 * cbcc_stack_N, kfunc__F for identifiers F) and matches are attached by
 * address or offset; a name is only ever printed. */
#ifndef CBCC_COUNTGEN_H
#define CBCC_COUNTGEN_H

#include <stdbool.h>

#include "util.h"
#include "wcplan.h"
#include "wildcard.h"

/* funccount's programs for the matches in a multi-probe link and for the
 * syscall tracepoints counted by number (lib/probe/wcplan.h). */
#define COUNTGEN_MULTI_FN "cbcc_count_multi"
#define COUNTGEN_SYS_ENTER_FN "cbcc_count_sys_enter"
#define COUNTGEN_SYS_EXIT_FN "cbcc_count_sys_exit"

/* funccount: one counter slot per match: fn_names[i] counts into slot i
 * when match i has its own probe or fentry program; the multi-probe program
 * counts into its cookie's slot, the raw_syscalls programs into the slot of
 * the system call's number (as planned); cpu is -c (or -1). */
char *countgen_funccount(const struct wc_pattern *p, const struct wc_list *l, char *const *fn_names,
			 const struct wc_plan *plan, long cpu, struct cbcc_err *err);

struct stack_opts {
	long cpu; /* -c, or -1 */
	bool perpid, kstack, ustack;
};

/* stackcount: the function `shared`, attached to every match but USDT
 * probes and fentry programs, which get one function each (fn_names[i]). */
char *countgen_stackcount(const struct wc_pattern *p, const struct wc_list *l,
			  char *const *fn_names, const char *shared, const struct wc_plan *plan,
			  const struct stack_opts *o, struct cbcc_err *err);

#endif
