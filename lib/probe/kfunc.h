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

#include "btf.h"
#include "runtime.h"
#include "spec.h"
#include "util.h"

struct sys_facts;

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

/* Plans one program's kernel-function probes: libbcc names a fentry/fexit
 * program after its function, so only the first probe of a function and
 * kind can be one; later ones use kprobes (or fail under --fentry). What
 * the kernel supports is found out once per plan: the kernel BTF is read
 * once, and after the kernel refuses a test fentry program for a reason
 * that is not the function's, no other function is tried. */
struct kfunc_plan {
	enum kfunc_method method;
	const struct sys_facts *facts; /* what the system supports; NULL: sys_facts_live() */
	const char *tool;	       /* for -v lines: "TOOL: WHAT: fentry (why)" */
	bool verbose;
	char **taken; /* fentry/fexit program names used so far */
	int ntaken;
	/* found out on first use (zero-initialized) */
	bool btf_tried;
	struct kbtf *btf;
	struct kbtf_funcs *funcs; /* btf's functions by name */
	bool fentry_refused;	  /* by the kernel, for every function */
	char fentry_why[320];	  /* why, when refused */
};

/* The running system's answer (struct sys_facts' fentry_attaches): whether
 * kernel BTF describes loc's function (its parameter count into c->nargs)
 * and the kernel loads a test program ("r0 = 0; exit" as fentry/fexit of
 * it); else c->why says why not, and after a refusal that is not the
 * function's (pl->fentry_refused) no other function is tried. ctx unused. */
bool kfunc_fentry_attaches(void *ctx, struct kfunc_plan *pl, const struct probe_loc *loc,
			   struct kfunc_choice *c);

/* Chooses for loc (what names the probe in -v lines). With fentry, *fn_name
 * becomes a new string with the program's name and c->nargs its argument
 * count; otherwise *fn_name is left alone and c->why says why. */
int kfunc_plan_probe(struct kfunc_plan *pl, const struct probe_loc *loc, const char *what,
		     struct kfunc_choice *c, char **fn_name, struct cbcc_err *err);
void kfunc_plan_free(struct kfunc_plan *pl);

/* After a kprobe of a kernel function failed to attach under the automatic
 * choice, appends " (fentry not used: WHY)" to err's message. */
void kfunc_explain(struct cbcc_err *err, enum kfunc_method m, const struct probe_loc *loc,
		   const char *why);

/* Parses --kprobe / --fentry into *m; false (with err) when both are given. */
int kfunc_method_option(bool fentry, enum kfunc_method *m, struct cbcc_err *err);

/* The BPF function name libbcc loads as fentry (kfunc__F) or fexit
 * (kretfunc__F) of kernel function F; NULL when F is not a C identifier
 * (such a function is attached with a kprobe). Caller frees. */
char *kfunc_fn_name(const struct probe_loc *loc);

/* Parameters and first lines of a fentry/fexit probe function. Caller frees. */
char *kfunc_params(void);
char *kfunc_prologue(const struct probe_loc *loc, int nargs, const char *signature);
/* Name of the real context pointer inside a fentry/fexit probe function. */
#define KFUNC_CTX "__fctx"

/* Loads fn_name as fentry/fexit and attaches it. */
int kfunc_attach(struct cbcc_bpf *b, const char *fn_name, struct cbcc_err *err);

#endif
