/* The expression front end: user expressions (predicates, format arguments,
 * argdist values and filters), signatures and types are split into tokens
 * of allowed kinds (identifiers, $specials, numbers, character constants,
 * STRCMP's string literal, C operators: never ; { } # \, comments, line
 * breaks, digraphs or trigraphs), keeping byte offsets, so errors point at
 * the offending token with a caret. The rewrites are passes over the tokens:
 * BCC's aliases (arg1, retval, $pid, STRCMP(...)), the syscall-wrapper
 * argument reads, argdist's $PID/$latency/$entry(param), and the check of
 * tracepoint fields. What comes out is the tokens' own text, or cbcc's. */
#ifndef CBCC_EXPR_H
#define CBCC_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "spec.h"
#include "strbuf.h"
#include "util.h"

struct argdist_spec;
struct tp_field;

/* A piece of the user's text: errors show spec (or text when spec is NULL)
 * with a caret under the offending bytes, text starting at spec[at]. */
struct expr_src {
	const char *text;
	const char *spec;
	size_t at;
};

#define EXPR_NOWHERE ((size_t)-1) /* text not cut from the spec: no caret */

enum expr_tok_kind {
	TOK_IDENT,   /* [A-Za-z_][A-Za-z0-9_]* */
	TOK_SPECIAL, /* $name */
	TOK_NUMBER,  /* a whole C number (lib/base/csrc.h) */
	TOK_CHAR,    /* 'c' or '\n' */
	TOK_STRING,  /* "...": printable ASCII, \n \t \\ \" escapes */
	TOK_PUNCT,   /* an allowed C operator or bracket */
	TOK_USER,    /* BCC's @user hint after an identifier (dropped) */
};

struct expr_tok {
	enum expr_tok_kind kind;
	size_t off, len; /* in the text */
};

struct expr_toks {
	const char *text;
	struct expr_tok *v;
	int n;
};

/* Splits src->text into tokens with balanced brackets; `what` names the
 * text in errors ("an expression", "a type", ...). */
int expr_lex(const struct expr_src *src, const char *what, struct expr_toks *t,
	     struct cbcc_err *err);
void expr_toks_free(struct expr_toks *t);
/* Whether token i exists and is spelled s. */
bool expr_tok_is(const struct expr_toks *t, int i, const char *s);

struct expr_env {
	enum probe_type type;
	bool kernel;	      /* kernel function (kprobe) */
	bool syscall_wrapper; /* __x64_sys_*: arguments live in the inner pt_regs */
	bool bin_cmp;	      /* -B: STRCMP compares bytes, not strings */
	const char *ctx;      /* name of the context variable: "ctx" or "args" */
	/* argdist's probe: $PID, $latency and $entry(param) are known */
	const struct argdist_spec *argdist;
	/* outputs */
	unsigned usdt_args;	/* bit i set when USDT argument i+1 is used */
	struct strbuf *helpers; /* STRCMP helper functions are appended here */
	int helper_count;	/* numbering for the helpers, shared by a program */
};

/* Returns the C text of the expression (caller frees), or NULL with err set. */
char *expr_rewrite(const struct expr_src *src, struct expr_env *env, struct cbcc_err *err);

/* A function signature ("int fd, char *buf"): identifiers, numbers, '*',
 * ',' and brackets only. */
int expr_check_signature(const struct expr_src *src, struct cbcc_err *err);
/* A type ("struct sock *", "u64"): identifiers and '*' only. */
int expr_check_type(const struct expr_src *src, struct cbcc_err *err);

/* Every args->NAME names a field of tracepoint category:event. */
int expr_check_tp_fields(const struct expr_src *src, const char *category, const char *event,
			 const struct tp_field *fields, int n, struct cbcc_err *err);

/* argdist: whether text uses $entry(...) or $latency; whether it uses
 * $entry(name). False for text that does not lex. */
bool expr_uses_entry(const char *text);
bool expr_uses_entry_param(const char *text, const char *name);

#endif
