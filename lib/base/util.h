/* Small helpers shared by every part of cbcc: allocation that cannot fail
 * silently, and the error value that library functions return. */
#ifndef CBCC_UTIL_H
#define CBCC_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One error message, filled by the library, printed once by the tool. */
struct cbcc_err {
	char msg[512];
};

/* Formats msg into err and returns -1, so callers can `return cbcc_errf(...)`. */
int cbcc_errf(struct cbcc_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Surrounds the message already in err: "<before><msg><after>", after going
 * at the end of its first line; returns -1. */
int cbcc_err_wrap(struct cbcc_err *err, const char *before, const char *after);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reads a whole (small) file into a new NUL-terminated string, or NULL. */
char *read_file(const char *path);
/* Strips leading and trailing white space in place; returns s moved past leading space. */
char *strip(char *s);
/* Parses a whole string as a non-negative/any integer; false on junk or overflow. */
bool parse_long(const char *s, long *out);
bool starts_with(const char *s, const char *prefix);
/* Whether s is a C identifier: [A-Za-z_][A-Za-z0-9_]* (ASCII only). */
bool is_c_identifier(const char *s);
/* Copies src into dst (truncated to size) with every byte outside printable
 * ASCII shown as '?': outside text quoted in a one-line message. */
void printable_copy(char *dst, size_t size, const char *src);
/* Length of the well-formed UTF-8 character at s (at most n bytes; no
 * overlong forms, surrogates or code points past U+10FFFF), or 0. */
size_t utf8_char_len(const char *s, size_t n);

#endif
