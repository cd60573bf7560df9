/* libFuzzer target: trace probe specs through the parser and, when they
 * parse, through expression rewriting and the whole code generator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct trace_spec spec;
	struct cbcc_err err;

	memcpy(text, data, size);
	text[size] = '\0';
	if (trace_spec_parse(text, &spec, &err) == 0) {
		char *types[] = {"int", "long", "char *"};
		struct gen_probe p = {.spec = &spec, .usdt_argtypes = types, .nusdt_args = 3};
		struct gen_opts o = {.string_size = 80, .kstack = size & 1, .ustack = size & 2};
		char *src;

		p.fn_name = codegen_fn_name(&spec.loc, 1);
		src = codegen_trace(&p, 1, &o, &err);
		free(src);
		free(p.fn_name);
	}
	trace_spec_free(&spec);
	free(text);
	return 0;
}
