/* Kernel functions: attached with fentry/fexit (BPF trampolines: BTF-typed
 * arguments, lower overhead, return probes that also see the arguments) when
 * the running kernel supports it for the function, else with kprobes.
 *
 * Both paths run the same generated probe body: the fentry context (the
 * arguments, then the return value) is copied into a pt_regs-shaped local
 * named ctx, so argN, retval and signature parameters read the same values. */
#ifndef CBCC_KFUNC_H
#define CBCC_KFUNC_H

#include <stdbool.h>

#include "runtime.h"
#include "spec.h"
#include "util.h"

enum kfunc_method {
	KFUNC_AUTO,   /* fentry when it works, else kprobe */
	KFUNC_KPROBE, /* --kprobe */
	KFUNC_FENTRY, /* --fentry */
};

struct kfunc_choice {
	bool fentry;
	int nargs;     /* parameters of the function (from BTF), for fentry */
	char why[320]; /* the reason, for -v */
};

/* Chooses how to attach kernel-function probe loc. Fails only when fentry
 * is forced and cannot work, naming what is missing. */
int kfunc_choose(const struct probe_loc *loc, enum kfunc_method method, struct kfunc_choice *c,
		 struct cbcc_err *err);

/* The BPF function name libbcc loads as fentry (kfunc__F) or fexit
 * (kretfunc__F) of kernel function F. Caller frees. */
char *kfunc_fn_name(const struct probe_loc *loc);

/* Parameters and first lines of a fentry/fexit probe function. Caller frees. */
char *kfunc_params(void);
char *kfunc_prologue(const struct probe_loc *loc, int nargs, const char *signature);
/* Name of the real context pointer inside a fentry/fexit probe function. */
#define KFUNC_CTX "__fctx"

/* Loads fn_name as fentry/fexit and attaches it. */
int kfunc_attach(struct cbcc_bpf *b, const char *fn_name, struct cbcc_err *err);

#endif
