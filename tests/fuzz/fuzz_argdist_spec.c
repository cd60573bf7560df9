/* libFuzzer target: argdist probe specifiers through the parser, as -C and
 * as -H, and, when they parse, through the whole code generator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "argcodegen.h"
#include "argspec.h"

static void generate(const struct argdist_spec *s, size_t size)
{
	char *types[] = {"int", "long", "char *"};
	struct argdist_gen_probe p = {.spec = s, .usdt_argtypes = types, .nusdt_args = 3};
	struct gen_opts o = {.string_size = size & 1 ? 80 : 1};
	struct cbcc_err err = {"unset"};
	size_t *offsets = calloc((size_t)s->nexprs, sizeof(size_t));
	char *src, *fn_name = codegen_fn_name(&s->loc, 1);

	argdist_key_layout(s, o.string_size, offsets);
	for (int i = 0; i < s->nexprs; i++) {
		free(argdist_display_expr(s->exprs[i]));
		(void)argdist_type_is_signed(s->types[i]);
	}
	p.fn_name = fn_name;
	src = codegen_argdist(&p, 1, &o, &err);
	if (!src && !strncmp(err.msg, "unset", 5))
		abort(); /* every failure must say why */
	free(src);
	free(fn_name);
	free(offsets);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum argdist_kind kinds[] = {ARGDIST_COUNT, ARGDIST_HIST};
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct argdist_spec s;
		struct cbcc_err err = {"unset"};

		if (argdist_spec_parse(text, kinds[i], &s, &err) == 0)
			generate(&s, size);
		else if (!strncmp(err.msg, "unset", 5))
			abort();
		argdist_spec_free(&s);
	}
	free(text);
	return 0;
}
