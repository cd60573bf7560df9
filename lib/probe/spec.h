/* Probe specifications: the grammar users type, parsed into plain data.
 * Pure functions, no I/O: resolving libraries, symbols and tracepoints is
 * the runtime's job. */
#ifndef CBCC_SPEC_H
#define CBCC_SPEC_H

#include <stdint.h>

#include "format.h"
#include "util.h"

enum probe_type {
	PROBE_ENTRY = 'p',	/* kprobe (no library) or uprobe */
	PROBE_RETURN = 'r',	/* kretprobe or uretprobe */
	PROBE_TRACEPOINT = 't', /* t:category:event */
	PROBE_USDT = 'u',	/* u:library[:provider]:probe */
};

/* Where a probe attaches: the part before the signature. */
struct probe_loc {
	enum probe_type type;
	char *library;	 /* "" for the kernel; "c", a soname or a path otherwise */
	char *category;	 /* tracepoint category, or USDT provider (may be NULL) */
	char *function;	 /* function, tracepoint event or USDT probe name */
	uint64_t offset; /* func+offset, entry probes only */
};

/* One trace probe: location, optional signature, predicate and format. */
struct trace_spec {
	char *raw; /* the text as the user typed it */
	struct probe_loc loc;
	char *signature; /* parameters inside "(...)", or NULL */
	char *predicate; /* the predicate including its outer parens, or NULL */
	char *format;	 /* format without quotes, or NULL for the default action */
	struct fmt fmt;
	char **args;
	int nargs;
	/* where the signature, predicate and each argument start in raw */
	size_t sig_off, pred_off;
	size_t *arg_offs;
};

/* Parses "type:library:function" (with BCC's shorthands: "func" means
 * "p::func", "lib:func" means "p:lib:func"). */
int probe_loc_parse(const char *text, struct probe_loc *loc, struct cbcc_err *err);
void probe_loc_free(struct probe_loc *loc);
/* The bare name: function, tracepoint event or USDT probe. */
const char *probe_loc_display(const struct probe_loc *loc);
/* trace's FUNC column, as BCC's: the function or tracepoint event, or a
 * USDT probe as typed ("provider:probe" when the provider was given). New
 * string. */
char *probe_loc_func_column(const struct probe_loc *loc);
bool probe_loc_is_kernel_function(const struct probe_loc *loc);

/* Parses a whole trace probe. Errors name the offending part of the text. */
int trace_spec_parse(const char *text, struct trace_spec *spec, struct cbcc_err *err);
void trace_spec_free(struct trace_spec *spec);

/* Index of the parenthesis closing the one at text[0], skipping string
 * literals; -1 when unbalanced. */
int match_paren(const char *text);
/* Splits text on commas outside parentheses and string literals into a new
 * array of stripped strings; returns the count. */
int split_top_level(const char *text, char sep, char ***out);
/* The same, with where each stripped string starts in text in *offs (a new
 * array, caller frees). */
int split_top_level_at(const char *text, char sep, char ***out, size_t **offs);
void free_strv(char **v, int n);

#endif
