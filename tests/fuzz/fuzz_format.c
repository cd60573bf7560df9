/* libFuzzer target: printf-style trace formats, parsed and rendered. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct fmt f;
	struct cbcc_err err;

	memcpy(text, data, size);
	text[size] = '\0';
	if (fmt_parse(text, &f, &err) == 0) {
		struct fmt_value *vals = calloc((size_t)f.nconv + 1, sizeof(*vals));
		struct strbuf out = STRBUF_INIT;

		for (int i = 0; i < f.nconv; i++) {
			vals[i].num = (uint64_t)i * 0x123456789ull - 7;
			vals[i].str = "str";
		}
		fmt_render(&f, vals, &out);
		sb_free(&out);
		free(vals);
		fmt_free(&f);
	}
	free(text);
	return 0;
}
