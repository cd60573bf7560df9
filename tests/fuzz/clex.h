/* The fuzzers' oracle: C source split into tokens the way clang reads a
 * file, to compare generated programs token by token. Translation phases 1
 * to 3 and directives:
 *   - trigraphs are replaced (clang's GNU modes ignore them: assuming them
 *     is the stricter oracle), then backslash + blanks + LF, CR LF or CR is
 *     a line splice; CR LF and CR end lines like LF;
 *   - comments are removed; '#' (or its digraph) first on a line starts a
 *     directive, which ends at the line's end (a CLEX_EOL token);
 *   - identifiers take '$' and bytes >= 0x80 as clang does; numbers are
 *     preprocessing numbers; literals keep their prefix and escapes;
 *     digraphs are spelled as the tokens they stand for; any other byte is
 *     a CLEX_OTHER token.
 * Header only: each fuzzer includes it. */
#ifndef CBCC_CLEX_H
#define CBCC_CLEX_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum clex_kind {
	CLEX_IDENT,
	CLEX_NUMBER,
	CLEX_CHAR,
	CLEX_STRING,
	CLEX_PUNCT,
	CLEX_DIRECTIVE, /* the '#' starting a directive */
	CLEX_EOL,	/* the end of a directive's line */
	CLEX_OTHER,
};

struct clex_tok {
	enum clex_kind kind;
	const char *text; /* in the spliced text, or a digraph's spelling */
	size_t len;
};

struct clex {
	struct clex_tok *v;
	int n, cap;
	int comments; /* comments removed */
	char *buf;    /* the text after phases 1 and 2 */
};

static inline void clex_add(struct clex *c, enum clex_kind kind, const char *s, size_t n)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		c->v = (struct clex_tok *)realloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n].kind = kind;
	c->v[c->n].text = s;
	c->v[c->n++].len = n;
}

static inline void clex_free(struct clex *c)
{
	free(c->v);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

/* Whether token i is spelled s. */
static inline bool clex_is(const struct clex *c, int i, const char *s)
{
	return c->v[i].len == strlen(s) && !memcmp(c->v[i].text, s, c->v[i].len);
}

/* Phases 1 and 2: trigraphs, splices and line ends ("\n" only after). */
static char *clex_phase12(const char *src, size_t len, size_t *out_len)
{
	static const char tri_from[] = "=/'()!<>-", tri_to[] = "#\\^[]|{}~";
	char *a = (char *)malloc(len + 1), *b = (char *)malloc(len + 1);
	size_t n = 0, m = 0;

	for (size_t i = 0; i < len; i++) {
		const char *t;

		if (src[i] == '?' && i + 2 < len && src[i + 1] == '?' &&
		    (t = (const char *)memchr(tri_from, src[i + 2], sizeof(tri_from) - 1))) {
			a[n++] = tri_to[t - tri_from];
			i += 2;
		} else if (src[i] == '\r') {
			a[n++] = '\n';
			if (i + 1 < len && src[i + 1] == '\n')
				i++;
		} else {
			a[n++] = src[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (a[i] == '\\') {
			size_t k = i + 1;

			while (k < n &&
			       (a[k] == ' ' || a[k] == '\t' || a[k] == '\f' || a[k] == '\v'))
				k++;
			if (k < n && a[k] == '\n') {
				i = k;
				continue;
			}
		}
		b[m++] = a[i];
	}
	free(a);
	b[m] = '\0';
	*out_len = m;
	return b;
}

static inline bool clex_ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || c >= 0x80;
}

/* A literal from its opening quote at s[i]; returns its end (exclusive). A
 * literal cut by the line's end stops there (clang: an error). */
static inline size_t clex_literal(const char *s, size_t n, size_t i)
{
	char q = s[i++];

	while (i < n && s[i] != q && s[i] != '\n') {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] != '\n')
			i++;
		i++;
	}
	return i < n && s[i] == q ? i + 1 : i;
}

static inline size_t clex_punct(const char *s, size_t n, size_t i, const char **spelling)
{
	static const char *const puncts[][2] = {
		{"%:%:", "##"}, {"...", "..."}, {"<<=", "<<="}, {">>=", ">>="}, {"<:", "["},
		{":>", "]"},	{"<%", "{"},	{"%>", "}"},	{"%:", "#"},	{"->", "->"},
		{"++", "++"},	{"--", "--"},	{"<<", "<<"},	{">>", ">>"},	{"<=", "<="},
		{">=", ">="},	{"==", "=="},	{"!=", "!="},	{"&&", "&&"},	{"||", "||"},
		{"*=", "*="},	{"/=", "/="},	{"%=", "%="},	{"+=", "+="},	{"-=", "-="},
		{"&=", "&="},	{"^=", "^="},	{"|=", "|="},	{"##", "##"},
	};

	for (size_t k = 0; k < sizeof(puncts) / sizeof(puncts[0]); k++) {
		size_t len = strlen(puncts[k][0]);

		if (s[i] == puncts[k][0][0] && i + len <= n && !memcmp(s + i, puncts[k][0], len)) {
			*spelling = puncts[k][1];
			return len;
		}
	}
	if (strchr("[](){}.&*+-~!/%<>^|?:;=,#", s[i]) && s[i]) {
		*spelling = NULL;
		return 1;
	}
	return 0;
}

/* Splits src into c->v; always succeeds. */
static inline void clex(const char *src, size_t len, struct clex *c)
{
	size_t n, i = 0;
	char *s = clex_phase12(src, len, &n);
	bool line_start = true, directive = false;

	memset(c, 0, sizeof(*c));
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		const char *spelling;
		size_t k;

		if (ch == '\n') {
			if (directive)
				clex_add(c, CLEX_EOL, "", 0);
			directive = false;
			line_start = true;
			i++;
		} else if (ch == ' ' || ch == '\t' || ch == '\f' || ch == '\v') {
			i++;
		} else if (ch == '/' && i + 1 < n && s[i + 1] == '*') {
			const char *end = strstr(s + i + 2, "*/");
			size_t after = end ? (size_t)(end - s) + 2 : n;

			/* stricter than C: a line break inside makes what follows
			 * start a line */
			if (memchr(s + i, '\n', after - i))
				line_start = true;
			c->comments++;
			i = after;
		} else if (ch == '/' && i + 1 < n && s[i + 1] == '/') {
			c->comments++;
			while (i < n && s[i] != '\n')
				i++;
		} else {
			enum clex_kind kind = CLEX_OTHER;

			spelling = NULL;
			k = i + 1;
			if ((ch == 'L' || ch == 'U' || ch == 'u') &&
			    (s[i + 1] == '"' || s[i + 1] == '\'' ||
			     (ch == 'u' && s[i + 1] == '8' &&
			      (s[i + 2] == '"' || s[i + 2] == '\'')))) {
				size_t q = s[i + 1] == '8' ? i + 2 : i + 1;

				kind = s[q] == '"' ? CLEX_STRING : CLEX_CHAR;
				k = clex_literal(s, n, q);
			} else if (ch == '"' || ch == '\'') {
				kind = ch == '"' ? CLEX_STRING : CLEX_CHAR;
				k = clex_literal(s, n, i);
			} else if ((ch >= '0' && ch <= '9') ||
				   (ch == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')) {
				kind = CLEX_NUMBER;
				while (k < n &&
				       (clex_ident_char((unsigned char)s[k]) || s[k] == '.' ||
					((s[k] == '+' || s[k] == '-') && strchr("eEpP", s[k - 1]))))
					k++;
			} else if (clex_ident_char(ch)) {
				kind = CLEX_IDENT;
				while (k < n && clex_ident_char((unsigned char)s[k]))
					k++;
			} else if ((k = clex_punct(s, n, i, &spelling)) > 0) {
				kind = CLEX_PUNCT;
				k += i;
			} else {
				k = i + 1;
			}
			if (kind == CLEX_PUNCT && line_start &&
			    (spelling ? !strcmp(spelling, "#") : s[i] == '#')) {
				kind = CLEX_DIRECTIVE;
				directive = true;
			}
			if (spelling)
				clex_add(c, kind, spelling, strlen(spelling));
			else
				clex_add(c, kind, s + i, k - i);
			line_start = false;
			i = k;
		}
	}
	if (directive)
		clex_add(c, CLEX_EOL, "", 0);
	c->buf = s;
}

/* Whether a and b hold the same tokens. */
static inline bool clex_equal(const struct clex *a, const struct clex *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++)
		if (a->v[i].kind != b->v[i].kind || a->v[i].len != b->v[i].len ||
		    memcmp(a->v[i].text, b->v[i].text, a->v[i].len))
			return false;
	return true;
}

#endif
