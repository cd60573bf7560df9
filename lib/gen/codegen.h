/* Generated BPF C: templates filled from parsed specs. */
#ifndef CBCC_CODEGEN_H
#define CBCC_CODEGEN_H

#include <stdbool.h>
#include <stddef.h>

#include "expr.h"
#include "spec.h"
#include "strbuf.h"
#include "sysenv.h"
#include "trace.h"
#include "util.h"

/* Program-wide choices shared by every tool's generator. */
struct gen_opts {
	char **includes; /* -I headers */
	int nincludes;
	bool cgroup;	      /* -c: BPF_CGROUP_ARRAY filter */
	bool bin_cmp;	      /* -B */
	int string_size;      /* -Z */
	bool kstack;	      /* -K */
	bool ustack;	      /* -U */
	bool ustack_build_id; /* -s: user stacks as build ID + file offset */
};

/* Per-probe facts the generator needs from the runtime. */
struct gen_probe {
	const struct trace_spec *spec;
	char *fn_name;	      /* owned: "probe_<name>_<n>" */
	char **usdt_argtypes; /* owned: C type of each USDT argument */
	int nusdt_args;
	bool fentry; /* kernel function attached by fentry/fexit (lib/probe/kfunc.h) */
	int nargs;   /* the kernel function's parameter count, for fentry */
	/* syscalls:sys_enter_X with %s: a string the BPF program cannot read
	 * yet (its page not resident) is read again at sys_exit_X, by the
	 * program named exit_fn, and the event sent then. */
	char *exit_fn;			  /* owned, or NULL */
	const struct tp_field *tp_fields; /* a tracepoint's fields (resolved) */
	int ntp_fields;
};

/* Whether probe p wants a string retry at the syscall's exit: a
 * syscalls:sys_enter_X tracepoint with a %s value, X keeping its address
 * space (not execve/execveat). It takes one when X has an exit tracepoint
 * (codegen_sys_exit_event), which the caller finds out. */
bool codegen_wants_retry_at_exit(const struct trace_spec *s);
/* "sys_exit_X" for a syscalls:sys_enter_X probe (caller frees). */
char *codegen_sys_exit_event(const struct trace_spec *s);

/* "probe_<display name>_<n>" with anything not [A-Za-z0-9_] replaced by '_'. */
char *codegen_fn_name(const struct probe_loc *loc, int n);

/* Prelude: standard and -I includes, BCC's auto-includes for the words in
 * `texts`, config map and read helpers. */
/* The code of a probe (what may name kernel types: a kernel function's
 * name, signature, expressions), joined for the auto-includes; no format
 * string, label or library function picks a header. */
char *codegen_code_text(const char *function, const char *signature, char *const *pieces,
			int npieces, const char *last);
int codegen_prelude(struct strbuf *out, const struct gen_opts *o, char *const *texts, int ntexts,
		    struct cbcc_err *err);

/* The start of a tracepoint probe's body: libbcc reads memory behind a
 * pointer field of the tracepoint (args->FIELD) with bpf_probe_read only once
 * it knows the field holds an outside pointer, which it learns from an
 * assignment to the field; a dead one is enough. One for each assignable
 * pointer field that predicate or exprs name (NULL ones are skipped). */
char *codegen_tp_prologue(const struct probe_loc *loc, const struct tp_field *fields, int nfields,
			  const char *predicate, char *const *exprs, int nexprs);

/* Parameters of the probe function: the context and any signature. */
char *codegen_params(const struct probe_loc *loc, const char *signature);
/* Context variable name passed to helpers: "args" for tracepoints, else "ctx". */
const char *codegen_ctx(const struct probe_loc *loc);
/* Prepares an expression environment for a probe. */
void codegen_env(struct expr_env *env, const struct probe_loc *loc, const struct gen_opts *o,
		 struct strbuf *helpers, int helper_base);
/* Declarations reading the USDT arguments marked in mask, of probe loc
 * whose nargs arguments have the C types argtypes. */
int codegen_usdt_reads(struct strbuf *out, unsigned mask, const struct probe_loc *loc,
		       char *const *argtypes, int nargs, struct cbcc_err *err);

/* The whole trace program. */
char *codegen_trace(const struct gen_probe *probes, int n, const struct gen_opts *o,
		    struct cbcc_err *err);

/* Offsets of each format value within a trace event record and the record's size. */
size_t trace_event_layout(const struct trace_spec *spec, int string_size, size_t *offsets);

#endif
