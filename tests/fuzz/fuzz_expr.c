/* libFuzzer target: expressions rewritten for every probe type; what comes
 * out must never contain anything that could leave its template slot. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

static void check_output(const char *out)
{
	char open[256];
	int depth = 0;

	for (const char *p = out; *p; p++) {
		if (*p == '\'') { /* a character constant, checked whole by expr_rewrite */
			p += p[1] == '\\' ? 3 : 2;
			continue;
		}
		if (*p == ';' || *p == '{' || *p == '}' || *p == '#' || *p == '\n')
			abort();
		if (p[0] == '/' && (p[1] == '*' || p[1] == '/'))
			abort();
		if (*p == '(' || *p == '[') {
			if (depth == (int)sizeof(open))
				abort();
			open[depth++] = *p;
		} else if (*p == ')' || *p == ']') {
			if (!depth || open[--depth] != (*p == ')' ? '(' : '['))
				abort();
		}
	}
	if (depth)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum probe_type types[] = {PROBE_ENTRY, PROBE_RETURN, PROBE_TRACEPOINT,
						PROBE_USDT};
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct strbuf helpers = STRBUF_INIT;
		struct expr_env env = {.type = types[i], .ctx = "ctx", .helpers = &helpers};
		struct cbcc_err err = {"unset"};
		char *out = expr_rewrite(text, &env, &err);

		if (!out && !strncmp(err.msg, "unset", 5))
			abort(); /* every failure must say why */

		/* STRCMP literals legitimately hold ';' etc. inside quotes: only
		 * outputs without string helpers are checked character by character */
		if (out && !env.helper_count)
			check_output(out);
		free(out);
		sb_free(&helpers);
	}
	free(text);
	return 0;
}
