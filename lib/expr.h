/* User expressions (predicates, format arguments, argdist expressions):
 * checked so they cannot break out of their slot in a template, and
 * rewritten from BCC's aliases (arg1, retval, $pid, STRCMP(...)) to C. */
#ifndef CBCC_EXPR_H
#define CBCC_EXPR_H

#include <stdbool.h>

#include "spec.h"
#include "strbuf.h"
#include "util.h"

struct expr_env {
	enum probe_type type;
	bool kernel;	      /* kernel function (kprobe) */
	bool syscall_wrapper; /* __x64_sys_*: arguments live in the inner pt_regs */
	bool bin_cmp;	      /* -B: STRCMP compares bytes, not strings */
	const char *ctx;      /* name of the context variable: "ctx" or "args" */
	/* outputs */
	unsigned usdt_args;	/* bit i set when USDT argument i+1 is used */
	struct strbuf *helpers; /* STRCMP helper functions are appended here */
	int helper_count;	/* numbering for the helpers, shared by a program */
};

/* Returns the C text of expr (caller frees), or NULL with err set. */
char *expr_rewrite(const char *expr, struct expr_env *env, struct cbcc_err *err);

/* The checks alone, for text pasted verbatim (signatures, -I headers). */
int expr_check_fragment(const char *what, const char *text, struct cbcc_err *err);

#endif
