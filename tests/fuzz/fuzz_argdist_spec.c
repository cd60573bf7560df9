/* libFuzzer target: argdist probe specifiers through the parser, as -C and
 * as -H, and, when they parse, the whole code generator. Oracles (slots.h):
 * the program holds only the prelude's directives; made again with the
 * outside text that must not become code (the spec's text, its #label, the
 * library, USDT provider and probe or library function name) replaced by
 * placeholders, it is the same tokens; what passed as a type or signature
 * is one to clang too. A kernel function entry spec is generated again as
 * its __x64_sys_ syscall wrapper. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "argcodegen.h"
#include "argspec.h"

#include "slots.h"

static struct argdist_spec placeholder(const struct argdist_spec *s)
{
	struct argdist_spec p = *s;

	p.raw = "placeholder";
	p.label = s->label ? "label" : NULL;
	p.loc = fuzz_placeholder_loc(&s->loc);
	return p;
}

static void generate(const struct argdist_spec *s, size_t size)
{
	char *types[] = {"int", "long", "char *"};
	struct argdist_gen_probe p = {.spec = s, .usdt_argtypes = types, .nusdt_args = 3};
	struct gen_opts o = {.string_size = size & 1 ? 80 : 1};
	struct cbcc_err err = {"unset"};
	struct argdist_spec ph = placeholder(s);
	size_t *offsets = calloc((size_t)s->nexprs, sizeof(size_t));
	char *a, *fn_name = codegen_fn_name(&s->loc, 1);

	argdist_key_layout(s, o.string_size, offsets);
	for (int i = 0; i < s->nexprs; i++) {
		free(argdist_display_expr(s->exprs[i]));
		(void)argdist_type_is_signed(s->types[i]);
		fuzz_check_fragment(s->types[i], fuzz_type_ops);
	}
	if (*s->signature)
		fuzz_check_fragment(s->signature, fuzz_signature_ops);
	p.fn_name = fn_name;
	a = codegen_argdist(&p, 1, &o, &err);
	fuzz_check_said_why(a, &err);
	p.spec = &ph;
	fuzz_check_pair(a, codegen_argdist(&p, 1, &o, &err));
	free(fn_name);
	free(offsets);
}

/* The spec, and for a kernel function entry its syscall wrapper too. */
static void generate_both(const struct argdist_spec *s, size_t size)
{
	struct argdist_spec wrapper = *s;

	generate(s, size);
	wrapper.loc.function = fuzz_syscall_wrapper(&s->loc);
	if (wrapper.loc.function)
		generate(&wrapper, size);
	free(wrapper.loc.function);
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
			generate_both(&s, size);
		else if (!strncmp(err.msg, "unset", 5))
			abort();
		argdist_spec_free(&s);
	}
	free(text);
	return 0;
}
