/* The only doors from outside text (symbol and USDT names, spec text, types,
 * signatures) into generated BPF C: one function per kind of slot.
 *
 *   identifier      [A-Za-z_][A-Za-z0-9_]*: validated, or made from any text
 *   C string        written as a literal with every byte outside printable
 *                   ASCII, and \ " ? *, escaped: it can close no comment,
 *                   end no literal, form no trigraph and join no line
 *   number          a C integer or floating literal, validated
 *
 * Expressions, types and signatures are token sequences checked by the
 * expression front end (lib/gen/expr.h) with these. Comments in generated code
 * never carry outside text (lib/base/template.c refuses placeholders in them). */
#ifndef CBCC_CSRC_H
#define CBCC_CSRC_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

bool csrc_is_ident(const char *s);
bool csrc_is_identn(const char *s, size_t n);
/* Appends identifier s; anything else is a bug in cbcc (a caller skipped
 * validation), so it aborts. */
void csrc_ident(struct strbuf *out, const char *s);
/* An identifier made from any text: "<prefix><text>_<n>" with every byte of
 * text outside [A-Za-z0-9_] replaced by '_'. Caller frees. */
char *csrc_ident_from(const char *prefix, const char *text, int n);

/* Appends the n bytes at s as a C string literal, quotes included. */
void csrc_string(struct strbuf *out, const char *s, size_t n);

/* A whole C number: decimal, octal or hexadecimal integer with an optional
 * u/l suffix, or a decimal floating literal. */
bool csrc_is_number(const char *s, size_t n);

#endif
