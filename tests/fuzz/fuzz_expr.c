/* libFuzzer target: expressions through the front end for every probe type,
 * the syscall wrapper's argument reads and argdist's variables. Oracles,
 * with clang's view of the text (clex.h):
 *   - what fills an expression slot stays in it: no directive, comment,
 *     string, stray byte, ; { } or #, no line break, brackets that never
 *     close more than they opened and end balanced;
 *   - the STRCMP helpers are the same tokens as helpers made from
 *     STRCMP("x", 1), string literals aside (each one token);
 *   - the helpers' string literals, read as clang reads them (trigraphs,
 *     line splices, every C escape), are the bytes of the user's STRCMP
 *     literals, no more and no fewer;
 *   - every failure says why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argspec.h"
#include "expr.h"
#include "slots.h"

/* cbcc's own text for argN of a syscall wrapper (lib/gen/expr.c) is a
 * statement expression: it stands for one value here. */
static char *without_own_reads(const char *out)
{
	char *s = strdup(out), *p;

	for (int n = 1; n <= 6; n++) {
		char own[256];

		snprintf(own, sizeof(own),
			 "({ u64 __v; struct pt_regs *__r = (struct pt_regs *)PT_REGS_PARM1(ctx); "
			 "bpf_probe_read_kernel(&__v, sizeof(__v), &PT_REGS_PARM%d(__r)); __v; })",
			 n);
		while ((p = strstr(s, own))) {
			memcpy(p, "__v", 3);
			memmove(p + 3, p + strlen(own), strlen(p + strlen(own)) + 1);
		}
	}
	return s;
}

static void check_slot(const char *text)
{
	char *out = without_own_reads(text);
	struct clex c;
	char open[256];
	int depth = 0;

	fuzz_lex_slot(out, &c);
	for (int i = 0; i < c.n; i++) {
		const char *t = c.v[i].text;

		if (c.v[i].kind != CLEX_IDENT && c.v[i].kind != CLEX_NUMBER &&
		    c.v[i].kind != CLEX_CHAR && c.v[i].kind != CLEX_PUNCT)
			abort();
		if (c.v[i].kind != CLEX_PUNCT)
			continue;
		if (clex_is(&c, i, "{") || clex_is(&c, i, "}") || clex_is(&c, i, ";") ||
		    clex_is(&c, i, "#") || clex_is(&c, i, "##"))
			abort();
		if (clex_is(&c, i, "(") || clex_is(&c, i, "[")) {
			if (depth == (int)sizeof(open))
				abort();
			open[depth++] = *t;
		} else if (clex_is(&c, i, ")") || clex_is(&c, i, "]")) {
			if (!depth || open[--depth] != (*t == ')' ? '(' : '['))
				abort();
		}
	}
	if (depth)
		abort();
	clex_free(&c);
	free(out);
}

/* The helpers' tokens with every string literal spelled "". */
static void lex_helpers(const char *text, struct clex *c)
{
	clex(text, strlen(text), c);
	for (int i = 0; i < c->n; i++) {
		if (c->v[i].kind == CLEX_STRING) {
			c->v[i].text = "\"\"";
			c->v[i].len = 2;
		}
	}
}

static void check_helpers(const struct strbuf *helpers, int count, const struct expr_env *env)
{
	struct strbuf ref_helpers = STRBUF_INIT, ref_text = STRBUF_INIT;
	struct expr_env ref = *env;
	struct cbcc_err err;
	struct clex a, b;
	char *out;

	for (int i = 0; i < count; i++)
		sb_append(&ref_text, i ? " + STRCMP(\"x\", 1)" : "STRCMP(\"x\", 1)");
	ref.helpers = &ref_helpers;
	ref.helper_count = 0;
	{
		struct expr_src src = {sb_str(&ref_text), NULL, 0};

		out = expr_rewrite(&src, &ref, &err);
	}
	if (!out)
		abort();
	lex_helpers(sb_str(helpers), &a);
	lex_helpers(sb_str(&ref_helpers), &b);
	if (!clex_equal(&a, &b) || a.comments || b.comments)
		abort();
	clex_free(&a);
	clex_free(&b);
	free(out);
	sb_free(&ref_helpers);
	sb_free(&ref_text);
}

/* A string literal's bytes as the front end reads it: \n, \t, and \c
 * standing for c (lib/gen/expr.h TOK_STRING). */
static struct strbuf user_literal(const char *s, size_t len)
{
	struct strbuf b = STRBUF_INIT;

	sb_append(&b, "");
	for (size_t i = 1; i + 1 < len; i++) {
		char c = s[i];

		if (c == '\\') {
			c = s[++i];
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		}
		sb_appendn(&b, &c, 1);
	}
	return b;
}

/* A C string literal's bytes as clang reads it (after clex's phases 1-2). */
static struct strbuf c_literal(const char *s, size_t len)
{
	static const char simple[] = "n\nt\tr\ra\ab\bf\fv\v\\\\\"\"''??";
	struct strbuf b = STRBUF_INIT;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		abort(); /* a prefixed or unterminated literal */
	sb_append(&b, "");
	for (size_t i = 1; i + 1 < len; i++) {
		unsigned v = (unsigned char)s[i];
		const char *e;

		if (v == '\\') {
			i++;
			if (s[i] >= '0' && s[i] <= '7') {
				v = 0;
				for (int d = 0; d < 3 && s[i] >= '0' && s[i] <= '7'; d++, i++)
					v = v * 8 + (unsigned)(s[i] - '0');
				i--;
			} else if ((e = strchr(simple, s[i])) && (e - simple) % 2 == 0 && s[i]) {
				v = (unsigned char)e[1];
			} else {
				abort(); /* \x (its length has no end) or no escape at all */
			}
		}
		if (v > 0xff)
			abort();
		char c = (char)v;

		sb_appendn(&b, &c, 1);
	}
	return b;
}

static int cmp_bytes(const void *a, const void *b)
{
	const struct strbuf *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int d = memcmp(x->buf, y->buf, n);

	return d ? d : (x->len > y->len) - (x->len < y->len);
}

/* The helpers' literals are the user's, as multisets (nested STRCMPs number
 * their helpers inner first). */
static void check_literals(const char *text, const char *helpers)
{
	struct expr_src src = {text, NULL, 0};
	struct expr_toks t;
	struct cbcc_err err;
	struct clex c;
	struct strbuf want[64], got[64];
	int nwant = 0, ngot = 0;

	if (expr_lex(&src, "an expression", &t, &err))
		abort(); /* it was rewritten: it lexes */
	for (int i = 0; i < t.n; i++)
		if (t.v[i].kind == TOK_STRING && nwant < 64)
			want[nwant++] = user_literal(t.text + t.v[i].off, t.v[i].len);
	expr_toks_free(&t);
	clex(helpers, strlen(helpers), &c);
	for (int i = 0; i < c.n; i++) {
		if (c.v[i].kind == CLEX_CHAR)
			abort();
		if (c.v[i].kind == CLEX_STRING && ngot < 64)
			got[ngot++] = c_literal(c.v[i].text, c.v[i].len);
	}
	clex_free(&c);
	if (nwant != ngot)
		abort();
	qsort(want, (size_t)nwant, sizeof(want[0]), cmp_bytes);
	qsort(got, (size_t)ngot, sizeof(got[0]), cmp_bytes);
	for (int i = 0; i < nwant; i++) {
		if (cmp_bytes(&want[i], &got[i]))
			abort();
		sb_free(&want[i]);
		sb_free(&got[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct argdist_spec entry_spec;
	static bool parsed;
	struct expr_env envs[] = {
		{.type = PROBE_ENTRY},
		{.type = PROBE_RETURN},
		{.type = PROBE_TRACEPOINT, .ctx = "args"},
		{.type = PROBE_USDT},
		{.type = PROBE_ENTRY, .kernel = true, .syscall_wrapper = true},
		{.type = PROBE_RETURN, .argdist = &entry_spec},
	};
	char *text = malloc(size + 1);

	if (!parsed) {
		struct cbcc_err err;

		parsed = argdist_spec_parse("r:c:f(int a, char *b):u64:a", ARGDIST_COUNT,
					    &entry_spec, &err) == 0;
		if (!parsed)
			abort();
	}
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		struct strbuf helpers = STRBUF_INIT;
		struct expr_env env = envs[i];
		struct cbcc_err err = {"unset"};
		struct expr_src src = {text, NULL, 0};
		char *out;

		env.ctx = env.ctx ? env.ctx : "ctx";
		env.bin_cmp = size & 1;
		env.helpers = &helpers;
		out = expr_rewrite(&src, &env, &err);
		if (!out && !strncmp(err.msg, "unset", 5))
			abort(); /* every failure must say why */
		if (out) {
			check_slot(out);
			check_helpers(&helpers, env.helper_count, &env);
			check_literals(text, sb_str(&helpers));
		}
		free(out);
		sb_free(&helpers);
	}
	free(text);
	return 0;
}
