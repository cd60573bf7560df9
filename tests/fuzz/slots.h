/* Oracles shared by the whole-path fuzzers (spec or pattern -> generated
 * program), on clang's view of the text (clex.h). Header only. */
#ifndef CBCC_FUZZ_SLOTS_H
#define CBCC_FUZZ_SLOTS_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "clex.h"
#include "spec.h"
#include "template.h"
#include "util.h"

/* The tokens after directive token i, joined by one space, in line (false
 * when they do not fit). */
static inline bool fuzz_directive_line(const struct clex *c, int i, char *line, size_t size)
{
	size_t len = 0;

	line[0] = '\0';
	for (i++; i < c->n && c->v[i].kind != CLEX_EOL; i++) {
		size_t n = c->v[i].len;

		if (len + n + 2 > size)
			return false;
		if (len)
			line[len++] = ' ';
		memcpy(line + len, c->v[i].text, n);
		len += n;
		line[len] = '\0';
	}
	return true;
}

/* The directive lines of the embedded templates (fixed text cbcc wrote, the
 * contract headers included), read once. */
static inline char **fuzz_template_directives(void)
{
	static char **lines;
	int n = 0;

	if (lines)
		return lines;
	lines = xcalloc(1, sizeof(*lines));
	for (const struct cbcc_template *t = cbcc_templates; t->name; t++) {
		struct clex c;
		char line[256];

		clex(t->text, strlen(t->text), &c);
		for (int i = 0; i < c.n; i++)
			if (c.v[i].kind == CLEX_DIRECTIVE &&
			    fuzz_directive_line(&c, i, line, sizeof(line))) {
				lines = xrealloc(lines, (size_t)(n + 2) * sizeof(*lines));
				lines[n++] = xstrdup(line);
				lines[n] = NULL;
			}
		clex_free(&c);
	}
	return lines;
}

/* The directives a generated program may hold: BCC's auto-includes
 * (lib/gen/codegen.c) and those of the templates, nothing else. */
static inline bool fuzz_allowed_directive(const struct clex *c, int i)
{
	static const char *const allowed[] = {
		"include < linux / time . h >",	     "include < linux / fs . h >",
		"include < linux / blkdev . h >",    "include < linux / slab . h >",
		"include < linux / netdevice . h >", "include < linux / sched . h >",
	};
	char line[256];

	if (!fuzz_directive_line(c, i, line, sizeof(line)))
		return false;
	for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++)
		if (!strcmp(line, allowed[k]))
			return true;
	for (char **t = fuzz_template_directives(); *t; t++)
		if (!strcmp(line, *t))
			return true;
	return false;
}

/* A generated program: only allowed directives, no stray bytes. */
static inline void fuzz_check_program(const char *src)
{
	struct clex c;

	clex(src, strlen(src), &c);
	for (int i = 0; i < c.n; i++)
		if (c.v[i].kind == CLEX_OTHER ||
		    (c.v[i].kind == CLEX_DIRECTIVE && !fuzz_allowed_directive(&c, i)))
			abort();
	clex_free(&c);
}

/* Two programs, one made from hostile outside text and one from harmless
 * placeholders, must be the same tokens. */
static inline void fuzz_check_same(const char *a, const char *b)
{
	struct clex x, y;

	if (!strcmp(a, b))
		return;

	clex(a, strlen(a), &x);
	clex(b, strlen(b), &y);
	if (!clex_equal(&x, &y))
		abort();
	clex_free(&x);
	clex_free(&y);
}

/* A probe location with its outside text (library, USDT provider and probe,
 * library function) replaced by placeholders; kernel functions and
 * tracepoints keep their names (they are identifiers in the program). */
static inline struct probe_loc fuzz_placeholder_loc(const struct probe_loc *l)
{
	struct probe_loc p = *l;

	p.library = *l->library ? "lib" : "";
	if (l->type == PROBE_USDT) {
		p.category = l->category ? "provider" : NULL;
		p.function = "probe";
	} else if (*l->library) {
		p.function = "function";
	}
	return p;
}

/* The name of kernel function entry probe l's x86-64 syscall wrapper
 * (__x64_sys_NAME: codegen_env makes argN read the inner pt_regs), so that
 * every kernel entry spec is generated through that rewrite too; NULL for
 * other probes and wrappers already. Caller frees. */
static inline char *fuzz_syscall_wrapper(const struct probe_loc *l)
{
	if (!probe_loc_is_kernel_function(l) || l->type != PROBE_ENTRY ||
	    starts_with(l->function, "__x64_sys_"))
		return NULL;
	return xasprintf("__x64_sys_%s", l->function);
}

/* A generator's result a: a failure must say why (err was "unset"). */
static inline void fuzz_check_said_why(const char *a, const struct cbcc_err *err)
{
	if (!a && !strncmp(err->msg, "unset", 5))
		abort();
}

/* Programs a (hostile outside text) and b (placeholders): both fail, or both
 * are made and a is a program of the same tokens as b. Frees both. */
static inline void fuzz_check_pair(char *a, char *b)
{
	if (!a != !b)
		abort();
	if (a) {
		fuzz_check_program(a);
		fuzz_check_same(a, b);
	}
	free(a);
	free(b);
}

/* Text meant for one slot of a line: no line break or comment in it. */
static inline void fuzz_lex_slot(const char *text, struct clex *c)
{
	if (strpbrk(text, "\n\r"))
		abort();
	clex(text, strlen(text), c);
	if (c->comments)
		abort();
}

/* Text a validator accepted as a type or signature: to clang, identifiers,
 * numbers and the operators in `ops` only. */
static inline void fuzz_check_fragment(const char *text, const char *const *ops)
{
	struct clex c;

	fuzz_lex_slot(text, &c);
	for (int i = 0; i < c.n; i++) {
		bool ok = c.v[i].kind == CLEX_IDENT || c.v[i].kind == CLEX_NUMBER;

		for (int k = 0; ops[k] && !ok; k++)
			ok = c.v[i].kind == CLEX_PUNCT && clex_is(&c, i, ops[k]);
		if (!ok || memchr(c.v[i].text, '$', c.v[i].len))
			abort();
	}
	clex_free(&c);
}

static const char *const fuzz_type_ops[] = {"*", NULL};
static const char *const fuzz_signature_ops[] = {"*", ",", "(", ")", "[", "]", NULL};

#endif
