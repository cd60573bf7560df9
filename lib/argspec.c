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
	struct strbuf sb = STRBUF_INIT;
	const char *p = expr;

	while (*p) {
		const char *close;

		if (starts_with(p, "$entry(") && (close = strchr(p, ')'))) {
			sb_appendn(&sb, p + 7, close - p - 7);
			p = close + 1;
		} else {
			sb_appendn(&sb, p++, 1);
		}
	}
	return sb_steal(&sb);
}

/* BCC's rule: the name follows the last '*', else the last space. */
static int parse_signature(struct argdist_spec *s, struct cbcc_err *err)
{
	char **parts;
	int n;

	if (!*s->signature)
		return 0;
	if (expr_check_fragment("signature", s->signature, err))
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

static bool uses_entry_values(const char *text)
{
	return text && (strstr(text, "$entry(") || strstr(text, "$latency"));
}

/* "function(signature)" into loc and signature. */
static int parse_function(struct argdist_spec *s, char **parts, struct cbcc_err *err)
{
	const char *f = parts[2], *open = strchr(f, '(');
	size_t len = strlen(f);
	char *func, *loc, *sig;
	int rc;

	if (!open || open == f || f[len - 1] != ')')
		return cbcc_errf(err, "function signature '%s' has an invalid format", f);
	for (const char *c = f; c < open; c++)
		if (isspace((unsigned char)*c))
			return cbcc_errf(err, "function signature '%s' has an invalid format", f);
	func = xstrndup(f, open - f);
	sig = xstrndup(open + 1, f + len - 1 - (open + 1));
	s->signature = xstrdup(strip(sig));
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

static int parse_values(struct argdist_spec *s, char **parts, int n, struct cbcc_err *err)
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
		return 0;
	}
	if (!*parts[3])
		return cbcc_errf(err, "no expr types specified");
	if (!*parts[4])
		return cbcc_errf(err, "no exprs specified");
	ntypes = split_top_level(parts[3], ',', &s->types);
	s->nexprs = split_top_level(parts[4], ',', &s->exprs);
	if (ntypes != s->nexprs) {
		free_strv(s->types, ntypes);
		s->types = NULL;
		return cbcc_errf(err, "mismatched # of exprs and types (%d types, %d exprs)",
				 ntypes, s->nexprs);
	}
	for (int i = 0; i < s->nexprs; i++) {
		if (!*s->types[i] || !*s->exprs[i])
			return cbcc_errf(err, "empty type or expr #%d", i + 1);
		if (expr_check_fragment("type", s->types[i], err))
			return -1;
	}
	if (s->kind == ARGDIST_HIST && s->nexprs > 1)
		return cbcc_errf(err, "histograms can only have 1 expr");
	if (s->kind == ARGDIST_HIST && argdist_type_is_string(s->types[0]))
		return cbcc_errf(err, "histograms need a number, not a string (char *)");
	if (n == 6 && *parts[5])
		s->filter = xstrdup(parts[5]);
	return 0;
}

static int parse_parts(struct argdist_spec *s, const char *spec, struct cbcc_err *err)
{
	char **parts;
	int n = split_top_level(spec, ':', &parts), rc = -1;

	if (n < 3)
		cbcc_errf(err, "at least the probe type, library, and function signature must be "
			       "specified");
	else if (n > 6)
		cbcc_errf(err, "extraneous ':'-separated parts detected");
	else if (strlen(parts[0]) != 1 || !strchr("prtu", parts[0][0]))
		cbcc_errf(err, "probe type must be 'p', 'r', 't', or 'u' but got '%s'", parts[0]);
	else if (!parse_function(s, parts, err) && !parse_values(s, parts, n, err))
		rc = 0;
	free_strv(parts, n);
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
	rc = parse_parts(s, strip(spec), err);
	free(spec);
	if (rc)
		return -1;
	for (int i = 0; i < s->nexprs; i++)
		s->needs_entry = s->needs_entry || uses_entry_values(s->exprs[i]);
	s->needs_entry = s->needs_entry || uses_entry_values(s->filter);
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
	memset(s, 0, sizeof(*s));
}
