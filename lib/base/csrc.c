#include "csrc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

bool csrc_is_identn(const char *s, size_t n)
{
	if (!n || !ident_start(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!ident_char(s[i]))
			return false;
	return true;
}

bool csrc_is_ident(const char *s)
{
	return s && csrc_is_identn(s, strlen(s));
}

void csrc_ident(struct strbuf *out, const char *s)
{
	if (!csrc_is_ident(s)) {
		fprintf(stderr, "cbcc: internal error: unvalidated identifier in generated code\n");
		abort();
	}
	sb_append(out, s);
}

char *csrc_ident_from(const char *prefix, const char *text, int n)
{
	char *name = xasprintf("%s%s_%d", prefix, text, n);

	for (char *p = name; *p; p++)
		if (!ident_char(*p))
			*p = '_';
	if (!ident_start(name[0])) {
		char *fixed = xasprintf("_%s", name);

		free(name);
		name = fixed;
	}
	return name;
}

void csrc_string(struct strbuf *out, const char *s, size_t n)
{
	sb_append(out, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			sb_append(out, "\\n");
		else if (c == '\t')
			sb_append(out, "\\t");
		else if (c < 0x20 || c > 0x7e || strchr("\\\"?*", c))
			/* three octal digits always end the escape */
			sb_printf(out, "\\%03o", c);
		else
			sb_appendn(out, (const char *)&c, 1);
	}
	sb_append(out, "\"");
}

static size_t span(const char *s, size_t n, const char *set)
{
	size_t i = 0;

	while (i < n && strchr(set, s[i]))
		i++;
	return i;
}

#define DIGITS "0123456789"

/* u, l, ul, lu, ll, ull, llu in any case (not lL). */
static bool int_suffix(const char *s, size_t n)
{
	size_t u = 0, l = 0;

	if (n && (*s == 'u' || *s == 'U'))
		u = 1;
	if (n > u && (s[u] == 'l' || s[u] == 'L'))
		l = n > u + 1 && s[u + 1] == s[u] ? 2 : 1;
	if (!u && l && n > l && (s[l] == 'u' || s[l] == 'U'))
		u = 1;
	return u + l == n;
}

static bool float_rest(const char *s, size_t n)
{
	size_t i = span(s, n, DIGITS);

	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!span(s + i, n - i, DIGITS))
			return false;
		i += span(s + i, n - i, DIGITS);
	}
	if (i < n && strchr("fFlL", s[i]))
		i++;
	return i == n;
}

bool csrc_is_number(const char *s, size_t n)
{
	size_t i;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		i = 2 + span(s + 2, n - 2, DIGITS "abcdefABCDEF");
		return i > 2 && int_suffix(s + i, n - i);
	}
	if (n >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		i = 2 + span(s + 2, n - 2, "01");
		return i > 2 && int_suffix(s + i, n - i);
	}
	i = span(s, n, DIGITS);
	if (i < n && (s[i] == '.' || s[i] == 'e' || s[i] == 'E')) {
		if (s[i] == '.')
			return (i || (n > 1 && isdigit((unsigned char)s[1]))) &&
			       float_rest(s + i + 1, n - i - 1);
		return i && float_rest(s + i, n - i);
	}
	if (!i || (s[0] == '0' && span(s, i, "01234567") != i))
		return false;
	return int_suffix(s + i, n - i);
}
