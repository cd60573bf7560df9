/* argdist probe specifiers, parsed into plain data (pure, no I/O):
 *   {p,r,t,u}:{[library],category}:function(signature)
 *       [:type[,type...]:expr[,expr...][:filter]][#label] */
#ifndef CBCC_ARGSPEC_H
#define CBCC_ARGSPEC_H

#include <stdbool.h>

#include "spec.h"
#include "util.h"

enum argdist_kind {
	ARGDIST_COUNT, /* -C: frequency of each value (tuple) */
	ARGDIST_HIST,  /* -H: log2 histogram of one value */
};

struct argdist_param {
	char *type;
	char *name;
};

struct argdist_spec {
	char *raw; /* as typed, label included */
	enum argdist_kind kind;
	struct probe_loc loc;
	char *signature; /* "" when the parentheses are empty */
	struct argdist_param *params;
	int nparams;
	char **types;
	char **exprs; /* as typed */
	int nexprs;   /* also the number of types */
	char *filter; /* NULL when none */
	char *label;  /* NULL when none */
	/* where the signature, each type and expression, and the filter start
	 * in raw (EXPR_NOWHERE for the default expression) */
	size_t sig_off, filter_off;
	size_t *type_offs, *expr_offs;
	bool default_expr; /* no expression given: count calls, or $retval in r: */
	bool needs_entry;  /* r: probe using $entry() or $latency */
};

int argdist_spec_parse(const char *text, enum argdist_kind kind, struct argdist_spec *s,
		       struct cbcc_err *err);
void argdist_spec_free(struct argdist_spec *s);

/* A type of a collected value that is a string (char *), read into the key. */
bool argdist_type_is_string(const char *type);
/* Whether values of the type print as signed numbers. */
bool argdist_type_is_signed(const char *type);
/* The signature parameter called name, or NULL. */
const struct argdist_param *argdist_param(const struct argdist_spec *s, const char *name);
/* How BCC shows an expression in output: "$entry(x)" becomes "x". */
char *argdist_display_expr(const char *expr);

#endif
