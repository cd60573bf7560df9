/* printf-style trace formats: parsed once, used by codegen (C types of the
 * values to capture) and by output (rendering each event's message). */
#ifndef CBCC_FORMAT_H
#define CBCC_FORMAT_H

#include <stdint.h>

#include "strbuf.h"
#include "util.h"

enum conv_kind {
	CONV_SIGNED,   /* %d %i %hd %ld %lld */
	CONV_UNSIGNED, /* %u %x %X and their length variants */
	CONV_CHAR,     /* %c */
	CONV_STRING,   /* %s: a string captured by the BPF program */
	CONV_POINTER,  /* %p: printed as 0x... */
	CONV_KSYM,     /* %K: kernel address, symbolized */
	CONV_USYM,     /* %U: user address, symbolized in the event's process */
};

struct fmt_conv {
	enum conv_kind kind;
	const char *ctype; /* C type the value is cast to in BPF ("char[]" for %s) */
	char spec[32];	   /* printf spec that renders the captured value */
};

struct fmt {
	char **lits; /* nconv + 1 literal pieces, "%%" already collapsed to "%" */
	struct fmt_conv *convs;
	int nconv;
};

/* Parses fmt (without the surrounding quotes). On error returns -1 with err
 * naming the offending conversion. */
int fmt_parse(const char *text, struct fmt *out, struct cbcc_err *err);
void fmt_free(struct fmt *f);

/* One captured value: num for numeric kinds, str for %s and for %p/%K/%U once
 * the caller has turned the address into text. */
struct fmt_value {
	uint64_t num;
	const char *str;
};

void fmt_render(const struct fmt *f, const struct fmt_value *vals, struct strbuf *out);

#endif
