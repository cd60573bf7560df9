/* What trace's and argdist's probes share (lib/probe/tprobe.h, lib/probe/aprobe.h):
 * the system facts a probe is resolved against, how a kernel function is
 * attached (fentry/fexit or kprobe, decided once per program), attaching,
 * and the "error in probe" prefix of every error about one probe. */
#ifndef CBCC_PROBE_BASE_H
#define CBCC_PROBE_BASE_H

#include <stdbool.h>
#include <sys/types.h>

#include "facts.h"
#include "kfunc.h"
#include "probe.h"
#include "runtime.h"
#include "spec.h"
#include "util.h"

/* What every probe of one program shares while it is built and attached. */
struct probe_env {
	struct cbcc_bpf *bpf;
	const struct sys_facts *facts; /* sys_facts_live() unless a test sets others */
	pid_t pid;		       /* -p: library lookup, uprobes, USDT */
	bool unsafe;		       /* --unsafe: uprobe offsets inside instructions */
	bool portable;		       /* --ebpf alone: kprobes, the kernel is not asked */
	struct kfunc_plan plan;
};

/* method: --kprobe/--fentry; tool and verbose: for -v's lines. */
void probe_env_init(struct probe_env *e, struct cbcc_bpf *bpf, pid_t pid, bool unsafe, bool ebpf,
		    enum kfunc_method method, bool verbose);
void probe_env_free(struct probe_env *e);

/* How one BPF function of a probe attaches to a kernel function: prog is
 * the fentry/fexit program's name (kfunc__F, kretfunc__F), NULL for a
 * kprobe (or anything not a kernel function), and why says why not. */
struct probe_kfunc {
	char *prog;
	int nargs;     /* the function's parameters (BTF), with prog */
	char why[320]; /* why a kprobe, for -v and attach errors */
};

/* Chooses for loc, a kernel function or not (what names it in -v lines). */
int probe_kfunc_plan(struct probe_env *e, const struct probe_loc *loc, const char *what,
		     struct probe_kfunc *k, struct cbcc_err *err);
void probe_kfunc_free(struct probe_kfunc *k);

/* Loads and attaches the BPF function fn_name at loc (k->prog instead,
 * when set); a failed kprobe says why fentry was not used. */
int probe_base_attach(struct probe_env *e, const struct probe_loc *loc,
		      const struct resolved_probe *res, const char *fn_name,
		      const struct probe_kfunc *k, struct cbcc_err *err);

/* A tracepoint's fields named in each text (a predicate, filter or
 * expression, NULL ones skipped) must exist; offs: where each starts in raw. */
int probe_check_tp_fields(const struct probe_loc *loc, const struct resolved_probe *res,
			  const char *raw, char *const *texts, const size_t *offs, int n,
			  struct cbcc_err *err);

/* Prefixes err with "error in probe 'RAW': "; returns -1. The one place
 * that names the probe in an error. */
int probe_err(struct cbcc_err *err, const char *raw);
/* The same with "WHAT 'RAW': ". */
int probe_err_as(struct cbcc_err *err, const char *what, const char *raw);
/* The same with "error parsing probe 'RAW': " (argdist's parse errors, as BCC). */
int probe_parse_err(struct cbcc_err *err, const char *raw);

#endif
