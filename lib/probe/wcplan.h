/* How the matches of a funccount/stackcount pattern attach, decided once
 * per run from what the running kernel offers, and attaching them:
 *
 * - library functions: one uprobe_multi link for all of them (one system
 *   call to attach, one close to detach), else one uprobe each;
 * - kernel functions: one kprobe_multi link, else fentry or a kprobe each;
 * - a family of syscall tracepoints (syscalls:sys_enter_*): one program on
 *   raw_syscalls:sys_enter (and one on sys_exit) keyed by syscall number,
 *   for the tools that can count that way; a tracepoint whose number is not
 *   known for certain keeps its own;
 * - USDT probes and everything else: one probe each.
 *
 * A multi-link program learns which match fired from its attach cookie
 * (bpf_get_attach_cookie), which is the match's index. --no-multi keeps one
 * probe per match; -v (funccount -D, stackcount --debug) says what was
 * chosen and why. */
#ifndef CBCC_WCPLAN_H
#define CBCC_WCPLAN_H

#include <stdbool.h>
#include <sys/types.h>

#include "kfunc.h"
#include "runtime.h"
#include "strbuf.h"
#include "wildcard.h"

enum wc_how {
	WC_SINGLE,    /* its own probe: tracepoint, uprobe, kprobe or USDT */
	WC_FENTRY,    /* its own fentry program */
	WC_MULTI,     /* in the pattern's one uprobe_multi/kprobe_multi link */
	WC_SYS_ENTER, /* counted by the raw_syscalls:sys_enter program */
	WC_SYS_EXIT,  /* counted by the raw_syscalls:sys_exit program */
	WC_HOW_COUNT,
};

struct wc_plan {
	enum wc_how *how; /* per match */
	int *sysnr;	  /* per match: its syscall number (WC_SYS_*), else -1 */
	int n;
	int count[WC_HOW_COUNT]; /* matches planned each way */
	enum kfunc_method method;
	char why[320];	    /* why the first kernel function on a kprobe has no fentry */
	long compat_offset; /* task_struct's thread_info.status (WC_SYS_*) */
};

struct wc_plan_opts {
	enum kfunc_method kfunc; /* --kprobe / --fentry */
	bool no_multi;		 /* --no-multi: one probe per match */
	bool by_syscall_nr;	 /* the tool has raw_syscalls programs (funccount) */
	const char *tool;	 /* for -v lines: "TOOL: ..." */
	bool verbose;
};

/* Plans the matches l of pattern p. A fentry match's fn_names[i] becomes
 * its program's name. Fails when a match cannot be attached on this kernel
 * (a kernel function without kprobes or fentry), or on a signal. */
int wc_plan(const struct wc_pattern *p, const struct wc_list *l, const struct wc_plan_opts *o,
	    char **fn_names, struct wc_plan *plan, struct cbcc_err *err);
void wc_plan_free(struct wc_plan *plan);

static inline bool wc_plan_is(const struct wc_plan *plan, int i, enum wc_how how)
{
	return plan->how && plan->how[i] == how;
}

/* The BPF programs a tool generated for a plan. */
struct wc_progs {
	char *const *single;   /* per match: its program (WC_SINGLE, WC_FENTRY) */
	const char *multi;     /* run by every WC_MULTI match (cookie: its index) */
	const char *sys_enter; /* on raw_syscalls:sys_enter, for WC_SYS_ENTER */
	const char *sys_exit;
};

/* The tables and the lookup (cbcc_syscall_slot) a tool's raw_syscalls
 * programs use, for a plan with WC_SYS_* matches. */
void wc_render_syscall_slots(struct strbuf *out);
/* Fills the tables the raw_syscalls programs read (syscall_slots.c:
 * which slot counts each number, where TS_COMPAT is) with the match index
 * of each WC_SYS_* match. Nothing to do without such matches. */
int wc_plan_configure(struct cbcc_bpf *b, const struct wc_plan *plan, struct cbcc_err *err);

/* Attaches everything planned. A library function whose first instruction
 * the kernel cannot probe (ENOTSUPP) is skipped with a warning on stderr
 * when the pattern matched others; *attached is the number of matches not
 * skipped. Stops early (returning 0) on a signal. */
int wc_attach_all(struct cbcc_bpf *b, const struct wc_pattern *p, const struct wc_list *l,
		  const struct wc_plan *plan, const struct wc_progs *progs, pid_t pid,
		  const char *tool, int *attached, struct cbcc_err *err);

#endif
