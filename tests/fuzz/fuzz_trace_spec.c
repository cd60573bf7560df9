/* libFuzzer target: trace probe specs through the parser and, when they
 * parse, the whole code generator. The input is the spec, then up to three
 * USDT argument types (as a binary's notes would make libbcc report them),
 * each after a NUL byte. Oracles (slots.h): the program holds only the
 * prelude's directives; made again with the outside text that must not
 * become code (the spec's text, format string, library, USDT provider and
 * probe or library function name) replaced by placeholders, it is the same
 * tokens; what passed as a signature or type is one to clang too. A kernel
 * function entry spec is generated again as its __x64_sys_ syscall wrapper. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "spec.h"

#include "slots.h"

/* The spec with its outside text replaced (same conversions, same code). */
static struct trace_spec placeholder(const struct trace_spec *s)
{
	struct trace_spec p = *s;

	p.raw = "placeholder";
	p.format = "placeholder";
	p.loc = fuzz_placeholder_loc(&s->loc);
	return p;
}

static void generate(const struct trace_spec *spec, char **types, int ntypes, size_t size)
{
	struct gen_probe p = {.spec = spec, .usdt_argtypes = types, .nusdt_args = ntypes};
	struct gen_opts o = {.string_size = 80, .kstack = size & 1, .ustack = size & 2};
	struct cbcc_err err = {"unset"};
	struct trace_spec ph = placeholder(spec);
	char *a;

	p.fn_name = codegen_fn_name(&spec->loc, 1);
	a = codegen_trace(&p, 1, &o, &err);
	fuzz_check_said_why(a, &err);
	if (a && spec->signature)
		fuzz_check_fragment(spec->signature, fuzz_signature_ops);
	p.spec = &ph;
	fuzz_check_pair(a, codegen_trace(&p, 1, &o, &err));
	free(p.fn_name);
}

/* The spec, and for a kernel function entry its syscall wrapper too. */
static void generate_both(const struct trace_spec *spec, char **types, int ntypes, size_t size)
{
	struct trace_spec wrapper = *spec;

	generate(spec, types, ntypes, size);
	wrapper.loc.function = fuzz_syscall_wrapper(&spec->loc);
	if (wrapper.loc.function)
		generate(&wrapper, types, ntypes, size);
	free(wrapper.loc.function);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *types[3] = {"int", "long", "char *"};
	struct trace_spec spec;
	struct cbcc_err err;
	int ntypes = 3;

	memcpy(text, data, size);
	text[size] = '\0';
	if (strlen(text) < size) { /* USDT argument types follow */
		const char *t = text + strlen(text) + 1;

		for (ntypes = 0; ntypes < 3 && t < text + size; t += strlen(t) + 1)
			types[ntypes++] = (char *)t;
	}
	if (trace_spec_parse(text, &spec, &err) == 0) {
		generate_both(&spec, types, ntypes, size);
		for (int i = 0; i < ntypes; i++) {
			struct expr_src src = {types[i], NULL, 0};

			if (expr_check_type(&src, &err) == 0)
				fuzz_check_fragment(types[i], fuzz_type_ops);
		}
	}
	trace_spec_free(&spec);
	free(text);
	return 0;
}
