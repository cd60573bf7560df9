#include "format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *int_ctype(const char *len, bool is_signed)
{
	if (!strcmp(len, "h"))
		return is_signed ? "short" : "unsigned short";
	if (!strcmp(len, "hh"))
		return is_signed ? "signed char" : "unsigned char";
	if (!strcmp(len, "l"))
		return is_signed ? "long" : "unsigned long";
	if (!strcmp(len, "ll"))
		return is_signed ? "long long" : "unsigned long long";
	return is_signed ? "int" : "unsigned int";
}

/* Parses one conversion starting after '%'; returns its length or -1. */
static int parse_conv(const char *p, struct fmt_conv *c, struct cbcc_err *err)
{
	size_t flags = strspn(p, "-+ #0");
	size_t width = strspn(p + flags, "0123456789");
	size_t prec = 0, lenlen;
	const char *q;
	char len[3] = "", conv;

	if (p[flags + width] == '.')
		prec = 1 + strspn(p + flags + width + 1, "0123456789");
	q = p + flags + width + prec;
	lenlen = strspn(q, "hl");
	if (lenlen > 2)
		return cbcc_errf(err, "invalid length modifier in '%%%.*s'",
				 (int)(q - p + lenlen + 1), p);
	memcpy(len, q, lenlen);
	conv = q[lenlen];
	if (!conv)
		return cbcc_errf(err, "format ends inside a conversion '%%%s'", p);
	if (flags + width + prec > 16 || (width && atol(p + flags) > 1000) ||
	    (prec > 1 && atol(p + flags + width + 1) > 1000))
		return cbcc_errf(err, "width or precision too large (at most 1000) in '%%%.*s'",
				 (int)(q - p + lenlen + 1), p);
	if (lenlen && strchr("csKUp", conv))
		return cbcc_errf(err, "length modifier not allowed in '%%%.*s'",
				 (int)(q - p + lenlen + 1), p);
	switch (conv) {
	case 'd':
	case 'i':
		c->kind = CONV_SIGNED;
		c->ctype = int_ctype(len, true);
		snprintf(c->spec, sizeof(c->spec), "%%%.*slld", (int)(q - p), p);
		break;
	case 'u':
	case 'x':
	case 'X':
		c->kind = CONV_UNSIGNED;
		c->ctype = int_ctype(len, false);
		snprintf(c->spec, sizeof(c->spec), "%%%.*sll%c", (int)(q - p), p, conv);
		break;
	case 'c':
		c->kind = CONV_CHAR;
		c->ctype = "char";
		snprintf(c->spec, sizeof(c->spec), "%%%.*sc", (int)(q - p), p);
		break;
	case 's':
	case 'p':
	case 'K':
	case 'U':
		c->kind = conv == 's'	? CONV_STRING
			  : conv == 'p' ? CONV_POINTER
			  : conv == 'K' ? CONV_KSYM
					: CONV_USYM;
		c->ctype = conv == 's' ? "char[]" : "unsigned long long";
		snprintf(c->spec, sizeof(c->spec), "%%%.*ss", (int)(q - p), p);
		break;
	default:
		return cbcc_errf(err,
				 "unsupported conversion '%%%.*s' (supported: %%d %%i %%u %%x %%c "
				 "%%s %%p %%K %%U)",
				 (int)(q - p + lenlen + 1), p);
	}
	return (int)(q - p + lenlen + 1);
}

int fmt_parse(const char *text, struct fmt *out, struct cbcc_err *err)
{
	struct strbuf lit = STRBUF_INIT;
	const char *p = text;

	memset(out, 0, sizeof(*out));
	out->lits = xcalloc(1, sizeof(char *));
	while (*p) {
		struct fmt_conv c;
		int n;

		if (*p != '%') {
			sb_appendn(&lit, p++, 1);
			continue;
		}
		if (p[1] == '%') {
			sb_append(&lit, "%");
			p += 2;
			continue;
		}
		n = parse_conv(p + 1, &c, err);
		if (n < 0) {
			sb_free(&lit);
			fmt_free(out);
			return -1;
		}
		out->lits[out->nconv] = sb_steal(&lit);
		out->convs = xrealloc(out->convs, (out->nconv + 1) * sizeof(c));
		out->convs[out->nconv++] = c;
		out->lits = xrealloc(out->lits, (out->nconv + 1) * sizeof(char *));
		out->lits[out->nconv] = NULL; /* fmt_free may run before it is set */
		p += n + 1;
	}
	out->lits[out->nconv] = sb_steal(&lit);
	return 0;
}

void fmt_free(struct fmt *f)
{
	if (f->lits)
		for (int i = 0; i <= f->nconv; i++)
			free(f->lits[i]);
	free(f->lits);
	free(f->convs);
	memset(f, 0, sizeof(*f));
}

void fmt_render(const struct fmt *f, const struct fmt_value *vals, struct strbuf *out)
{
	if (!f->lits)
		return; /* no format: the default action prints an empty message */
	for (int i = 0; i < f->nconv; i++) {
		const struct fmt_conv *c = &f->convs[i];

		sb_append(out, f->lits[i]);
		switch (c->kind) {
		case CONV_SIGNED:
			sb_printf(out, c->spec, (long long)vals[i].num);
			break;
		case CONV_UNSIGNED:
			sb_printf(out, c->spec, (unsigned long long)vals[i].num);
			break;
		case CONV_CHAR:
			sb_printf(out, c->spec, (int)(char)vals[i].num);
			break;
		default:
			sb_printf(out, c->spec, vals[i].str ? vals[i].str : "");
			break;
		}
	}
	sb_append(out, f->lits[f->nconv]);
}
