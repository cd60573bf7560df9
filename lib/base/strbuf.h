/* A growable string: the one way cbcc builds generated source and output lines. */
#ifndef CBCC_STRBUF_H
#define CBCC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf; /* always NUL-terminated once anything was appended */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		0, 0, 0                                                                            \
	}

void sb_append(struct strbuf *sb, const char *s);
void sb_appendn(struct strbuf *sb, const char *s, size_t n);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends n bytes of s with control bytes (below 0x20, and 0x7f) escaped as
 * \n, \t, \r or \xHH, the rest unchanged: text from outside (a traced
 * process's strings, names, paths) printed to a terminal. */
void sb_append_escaped(struct strbuf *sb, const char *s, size_t n);
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* The text so far ("" when empty); stays owned by sb. */
const char *sb_str(const struct strbuf *sb);
/* Hands the buffer to the caller (never NULL) and resets sb. */
char *sb_steal(struct strbuf *sb);
/* sb_steal when rc is 0; else frees sb and returns NULL (a generator's end). */
char *sb_steal_if_ok(struct strbuf *sb, int rc);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif
