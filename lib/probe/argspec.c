#include "argspec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "strbuf.h"

static const char *const signed_types[] = {
	"char",	     "signedchar", "short",   "shortint", "int",	 "signed",
	"signedint", "long",	   "longint", "longlong", "longlongint", "s8",
	"s16",	     "s32",	   "s64",     "__s8",	  "__s16",	 "__s32",
	"__s64",     "int8_t",	   "int16_t", "int32_t",  "int64_t",	 "ssize_t",
	"pid_t",     "loff_t",	   "off_t",   "time_t",	  "ktime_t",
};

/* The type without spaces, "const" and "volatile". */
static char *squeeze_type(const char *type)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = type;

	while (*p) {
		size_t n;

		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		n = (isalnum((unsigned char)*p) || *p == '_')
			    ? strspn(p, "abcdefghijklmnopqrstuvwxyz"
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"0123456789_")
			    : 1;
		if (!((n == 5 && !strncmp(p, "const", 5)) ||
		      (n == 8 && !strncmp(p, "volatile", 8))))
			sb_appendn(&sb, p, n);
		p += n;
	}
	return sb_steal(&sb);
}

bool argdist_type_is_string(const char *type)
{
	char *t = squeeze_type(type);
	bool yes = !strcmp(t, "char*");

	free(t);
	return yes;
}

bool argdist_type_is_signed(const char *type)
{
	char *t = squeeze_type(type);
	bool yes = false;

	for (size_t i = 0; i < ARRAY_SIZE(signed_types) && !yes; i++)
		yes = !strcmp(t, signed_types[i]);
	free(t);
	return yes;
}

const struct argdist_param *argdist_param(const struct argdist_spec *s, const char *name)
{
	for (int i = 0; i < s->nparams; i++)
		if (!strcmp(s->params[i].name, name))
			return &s->params[i];
	return NULL;
}

char *argdist_display_expr(const char *expr)
{
	struct expr_src src = {expr, NULL, 0};
	struct strbuf sb = STRBUF_INIT;
	struct expr_toks t;
	size_t done = 0;

	if (expr_lex(&src, "an expression", &t, NULL))
		return xstrdup(expr);
	for (int i = 0; i < t.n; i++) {
		if (!expr_tok_is(&t, i, "$entry") || !expr_tok_is(&t, i + 1, "(") || i + 3 >= t.n ||
		    t.v[i + 2].kind != TOK_IDENT || !expr_tok_is(&t, i + 3, ")"))
			continue;
		sb_appendn(&sb, expr + done, t.v[i].off - done);
		sb_appendn(&sb, expr + t.v[i + 2].off, t.v[i + 2].len);
		done = t.v[i + 3].off + 1;
		i += 3;
	}
	sb_append(&sb, expr + done);
	expr_toks_free(&t);
	return sb_steal(&sb);
}

/* BCC's rule: the name follows the last '*', else the last space. */
static int parse_signature(struct argdist_spec *s, struct cbcc_err *err)
{
	struct expr_src src = {s->signature, s->raw, s->sig_off};
	char **parts;
	int n;

	if (!*s->signature)
		return 0;
	if (expr_check_signature(&src, err))
		return -1;
	n = split_top_level(s->signature, ',', &parts);
	s->params = xcalloc(n, sizeof(*s->params));
	for (int i = 0; i < n; i++) {
		char *star = strrchr(parts[i], '*'), *space = strrchr(parts[i], ' ');
		char *cut = star ? star : space;

		if (!cut || !cut[1]) {
			cbcc_errf(err, "parameter '%s' of the signature needs a type and a name",
				  parts[i]);
			free_strv(parts, n);
			return -1;
		}
		s->params[i].type = xstrndup(parts[i], cut - parts[i] + 1);
		strip(s->params[i].type);
		s->params[i].name = xstrdup(strip(cut + 1));
		s->nparams++;
	}
	free_strv(parts, n);
	return 0;
}

/* "function(signature)" into loc and signature (part 2, at offs[2] in raw). */
static int parse_function(struct argdist_spec *s, char **parts, const size_t *offs,
			  struct cbcc_err *err)
{
	const char *f = parts[2], *open = strchr(f, '(');
	size_t len = strlen(f);
	char *func, *loc, *sig, *stripped;
	int rc;

	if (!open || open == f || f[len - 1] != ')')
		return cbcc_errf(err, "function signature '%s' has an invalid format", f);
	for (const char *c = f; c < open; c++)
		if (isspace((unsigned char)*c))
			return cbcc_errf(err, "function signature '%s' has an invalid format", f);
	func = xstrndup(f, open - f);
	sig = xstrndup(open + 1, f + len - 1 - (open + 1));
	stripped = strip(sig);
	s->signature = xstrdup(stripped);
	s->sig_off = offs[2] + (size_t)(open + 1 - f) + (size_t)(stripped - sig);
	free(sig);
	loc = xasprintf("%s:%s:%s", parts[0], parts[1], func);
	rc = probe_loc_parse(loc, &s->loc, err);
	free(loc);
	free(func);
	if (rc)
		return -1;
	if (*s->signature && (s->loc.type == PROBE_TRACEPOINT || s->loc.type == PROBE_USDT))
		return cbcc_errf(err, "tracepoint and USDT probes can't have a function signature; "
				      "use args->field or arg1, arg2, ...");
	return parse_signature(s, err);
}

static size_t *offsets_in_raw(size_t *offs, int n, size_t base)
{
	for (int i = 0; i < n; i++)
		offs[i] += base;
	return offs;
}

static int parse_values(struct argdist_spec *s, char **parts, const size_t *offs, int n,
			struct cbcc_err *err)
{
	int ntypes;

	if (n < 5) {
		if (n == 4)
			return cbcc_errf(err, "no exprs specified");
		if (s->kind == ARGDIST_HIST && s->loc.type != PROBE_RETURN)
			return cbcc_errf(err, "histograms must have expr");
		s->default_expr = true;
		s->nexprs = 1;
		s->types = xcalloc(1, sizeof(char *));
		s->exprs = xcalloc(1, sizeof(char *));
		s->types[0] = xstrdup(s->loc.type == PROBE_RETURN ? "int" : "u64");
		s->exprs[0] = xstrdup(s->loc.type == PROBE_RETURN ? "$retval" : "1");
		s->type_offs = xcalloc(1, sizeof(size_t));
		s->expr_offs = xcalloc(1, sizeof(size_t));
		s->type_offs[0] = s->expr_offs[0] = EXPR_NOWHERE;
		return 0;
	}
	if (!*parts[3])
		return cbcc_errf(err, "no expr types specified");
	if (!*parts[4])
		return cbcc_errf(err, "no exprs specified");
	ntypes = split_top_level_at(parts[3], ',', &s->types, &s->type_offs);
	s->nexprs = split_top_level_at(parts[4], ',', &s->exprs, &s->expr_offs);
	offsets_in_raw(s->type_offs, ntypes, offs[3]);
	offsets_in_raw(s->expr_offs, s->nexprs, offs[4]);
	if (ntypes != s->nexprs) {
		free_strv(s->types, ntypes);
		s->types = NULL;
		return cbcc_errf(err, "mismatched # of exprs and types (%d types, %d exprs)",
				 ntypes, s->nexprs);
	}
	for (int i = 0; i < s->nexprs; i++) {
		struct expr_src type = {s->types[i], s->raw, s->type_offs[i]};

		if (!*s->types[i] || !*s->exprs[i])
			return cbcc_errf(err, "empty type or expr #%d", i + 1);
		if (expr_check_type(&type, err))
			return -1;
	}
	if (s->kind == ARGDIST_HIST && s->nexprs > 1)
		return cbcc_errf(err, "histograms can only have 1 expr");
	if (s->kind == ARGDIST_HIST && argdist_type_is_string(s->types[0]))
		return cbcc_errf(err, "histograms need a number, not a string (char *)");
	if (n == 6 && *parts[5]) {
		s->filter = xstrdup(parts[5]);
		s->filter_off = offs[5];
	}
	return 0;
}

/* The spec without its label, starting at raw[at]. */
static int parse_parts(struct argdist_spec *s, const char *spec, size_t at, struct cbcc_err *err)
{
	char **parts;
	size_t *offs;
	int n = split_top_level_at(spec, ':', &parts, &offs), rc = -1;

	if (n < 3)
		cbcc_errf(err, "at least the probe type, library, and function signature must be "
			       "specified");
	else if (n > 6)
		cbcc_errf(err, "extraneous ':'-separated parts detected");
	else if (strlen(parts[0]) != 1 || !strchr("prtu", parts[0][0]))
		cbcc_errf(err, "probe type must be 'p', 'r', 't', or 'u' but got '%s'", parts[0]);
	else if (!parse_function(s, parts, offsets_in_raw(offs, n, at), err) &&
		 !parse_values(s, parts, offs, n, err))
		rc = 0;
	free_strv(parts, n);
	free(offs);
	return rc;
}

int argdist_spec_parse(const char *text, enum argdist_kind kind, struct argdist_spec *s,
		       struct cbcc_err *err)
{
	const char *hash = strchr(text, '#');
	char *spec = xstrndup(text, hash ? (size_t)(hash - text) : strlen(text));
	int rc;

	memset(s, 0, sizeof(*s));
	s->raw = xstrdup(text);
	s->kind = kind;
	if (hash)
		s->label = xstrdup(hash + 1);
	{
		char *stripped = strip(spec);

		rc = parse_parts(s, stripped, (size_t)(stripped - spec), err);
	}
	free(spec);
	if (rc)
		return -1;
	for (int i = 0; i < s->nexprs; i++)
		s->needs_entry = s->needs_entry || expr_uses_entry(s->exprs[i]);
	s->needs_entry = s->needs_entry || expr_uses_entry(s->filter);
	if (s->needs_entry && s->loc.type != PROBE_RETURN)
		return cbcc_errf(err,
				 "$entry() and $latency are only available in return probes (r:)");
	return 0;
}

void argdist_spec_free(struct argdist_spec *s)
{
	free(s->raw);
	probe_loc_free(&s->loc);
	free(s->signature);
	for (int i = 0; i < s->nparams; i++) {
		free(s->params[i].type);
		free(s->params[i].name);
	}
	free(s->params);
	free_strv(s->types, s->types ? s->nexprs : 0);
	free_strv(s->exprs, s->exprs ? s->nexprs : 0);
	free(s->filter);
	free(s->label);
	free(s->type_offs);
	free(s->expr_offs);
	memset(s, 0, sizeof(*s));
}
