/* libFuzzer target: expressions through the front end for every probe type,
 * the syscall wrapper's argument reads and argdist's variables. Oracles,
 * with clang's view of the text (clex.h):
 *   - what fills an expression slot stays in it: no directive, comment,
 *     string, stray byte, ; { } or #, no line break, brackets that never
 *     close more than they opened and end balanced;
 *   - the STRCMP helpers are the same tokens as helpers made from
 *     STRCMP("x", 1), string literals aside (each one token);
 *   - every failure says why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argspec.h"
#include "expr.h"
#include "slots.h"

/* cbcc's own text for argN of a syscall wrapper (lib/expr.c) is a
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
		}
		free(out);
		sb_free(&helpers);
	}
	free(text);
	return 0;
}
