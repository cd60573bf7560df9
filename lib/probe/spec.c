#include "spec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "csrc.h"
#include "strbuf.h"

static int skip_string(const char *text, int i)
{
	for (i++; text[i] && text[i] != '"'; i++)
		if (text[i] == '\\' && text[i + 1])
			i++;
	return text[i] ? i : -1;
}

int match_paren(const char *text)
{
	int depth = 0;

	for (int i = 0; text[i]; i++) {
		if (text[i] == '"') {
			i = skip_string(text, i);
			if (i < 0)
				return -1;
		} else if (text[i] == '(') {
			depth++;
		} else if (text[i] == ')' && --depth == 0) {
			return i;
		}
	}
	return -1;
}

void free_strv(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int split_top_level(const char *text, char sep, char ***out)
{
	return split_top_level_at(text, sep, out, NULL);
}

int split_top_level_at(const char *text, char sep, char ***out, size_t **offs)
{
	char **v = NULL;
	int n = 0, depth = 0, start = 0;

	if (offs)
		*offs = NULL;

	for (int i = 0;; i++) {
		char c = text[i];

		if (c == '"') {
			int end = skip_string(text, i);

			i = end < 0 ? (int)strlen(text) - 1 : end;
			continue;
		}
		if (c == '(' || c == '[')
			depth++;
		else if ((c == ')' || c == ']') && depth > 0)
			depth--;
		if (c == '\0' || (c == sep && depth == 0)) {
			char *piece = xstrndup(text + start, i - start), *stripped = strip(piece);

			v = xrealloc(v, (n + 1) * sizeof(char *));
			v[n] = xstrdup(stripped);
			if (offs) {
				*offs = xrealloc(*offs, (n + 1) * sizeof(size_t));
				(*offs)[n] = (size_t)(start + (stripped - piece));
			}
			free(piece);
			n++;
			start = i + 1;
		}
		if (c == '\0')
			break;
	}
	*out = v;
	return n;
}

static int parse_offset(const char *text, uint64_t *offset, struct cbcc_err *err)
{
	char *end;

	*offset = strtoull(text, &end, 0);
	if (!*text || *end || !isdigit((unsigned char)*text))
		return cbcc_errf(err, "invalid offset '%s', must be decimal or hexadecimal", text);
	return 0;
}

static int check_name(const char *what, const char *name, struct cbcc_err *err)
{
	if (!*name)
		return cbcc_errf(err, "missing %s name", what);
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.@$*?[]-", *p))
			return cbcc_errf(err, "invalid character '%c' in %s name '%s'", *p, what,
					 name);
	return 0;
}

int probe_loc_parse(const char *text, struct probe_loc *loc, struct cbcc_err *err)
{
	char **parts;
	int n = split_top_level(text, ':', &parts), rc = -1;
	int first = 0;

	memset(loc, 0, sizeof(*loc));
	loc->type = PROBE_ENTRY;
	if (n >= 3) {
		if (!strcmp(parts[0], "") || !strcmp(parts[0], "p"))
			loc->type = PROBE_ENTRY;
		else if (strlen(parts[0]) == 1 && strchr("rtu", parts[0][0]))
			loc->type = (enum probe_type)parts[0][0];
		else {
			cbcc_errf(err, "probe type must be '', 'p', 't', 'r', or 'u', but got '%s'",
				  parts[0]);
			goto out;
		}
		first = 1;
	}
	if (loc->type == PROBE_TRACEPOINT) {
		if (n != 3) {
			cbcc_errf(err, "tracepoint must be t:category:event");
			goto out;
		}
		loc->library = xstrdup("");
		loc->category = xstrdup(parts[1]);
		loc->function = xstrdup(parts[2]);
		if (check_name("tracepoint category", loc->category, err) ||
		    check_name("tracepoint event", loc->function, err))
			goto out;
		if (!csrc_is_ident(loc->category) || !csrc_is_ident(loc->function)) {
			cbcc_errf(err, "tracepoint '%s:%s' is not a valid name", loc->category,
				  loc->function);
			goto out;
		}
	} else if (loc->type == PROBE_USDT) {
		if (n != 3 && n != 4) {
			cbcc_errf(err, "USDT probe must be u:library[:provider]:probe");
			goto out;
		}
		loc->library = xstrdup(parts[1]);
		loc->category = n == 4 ? xstrdup(parts[2]) : NULL;
		loc->function = xstrdup(parts[n - 1]);
		if (!*loc->library) {
			cbcc_errf(err, "USDT probe needs a library or binary: u:library:probe");
			goto out;
		}
		if (check_name("USDT probe", loc->function, err))
			goto out;
	} else {
		struct strbuf lib = STRBUF_INIT;
		char *plus;

		/* A library path may itself contain ':' — keep every middle part. */
		for (int i = first; i < n - 1; i++) {
			if (i > first)
				sb_append(&lib, ":");
			sb_append(&lib, parts[i]);
		}
		loc->library = sb_steal(&lib);
		loc->function = xstrdup(n ? parts[n - 1] : "");
		plus = strchr(loc->function, '+');
		if (plus) {
			*plus = '\0';
			if (parse_offset(plus + 1, &loc->offset, err))
				goto out;
			if (loc->type == PROBE_RETURN) {
				cbcc_errf(err,
					  "an offset is only allowed on entry probes, not on r:");
				goto out;
			}
		}
		if (check_name("function", loc->function, err))
			goto out;
	}
	rc = 0;
out:
	free_strv(parts, n);
	return rc;
}

void probe_loc_free(struct probe_loc *loc)
{
	free(loc->library);
	free(loc->category);
	free(loc->function);
	memset(loc, 0, sizeof(*loc));
}

const char *probe_loc_display(const struct probe_loc *loc)
{
	return loc->function ? loc->function : "";
}

char *probe_loc_func_column(const struct probe_loc *loc)
{
	if (loc->type == PROBE_USDT && loc->category)
		return xasprintf("%s:%s", loc->category, loc->function);
	return xstrdup(probe_loc_display(loc));
}

bool probe_loc_is_kernel_function(const struct probe_loc *loc)
{
	return (loc->type == PROBE_ENTRY || loc->type == PROBE_RETURN) && !*loc->library;
}

/* The format and its arguments: "fmt", arg, arg... */
static int parse_action(const char *whole, const char *text, struct trace_spec *spec,
			struct cbcc_err *err)
{
	int end;
	const char *rest;

	if (!*text)
		return 0;
	if (*text != '"')
		return cbcc_errf(err, "expected a format string in double quotes, got '%s'", text);
	for (end = 1; text[end] && text[end] != '"'; end++)
		if (text[end] == '\\' && text[end + 1])
			end++;
	if (!text[end])
		return cbcc_errf(err, "unterminated format string %s", text);
	spec->format = xstrndup(text + 1, end - 1);
	if (fmt_parse(spec->format, &spec->fmt, err))
		return -1;
	rest = text + end + 1;
	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest == ',') {
		spec->nargs = split_top_level_at(rest + 1, ',', &spec->args, &spec->arg_offs);
		for (int i = 0; i < spec->nargs; i++)
			spec->arg_offs[i] += (size_t)(rest + 1 - whole);
		for (int i = 0; i < spec->nargs; i++)
			if (!*spec->args[i])
				return cbcc_errf(err, "empty argument #%d after the format", i + 1);
	} else if (*rest) {
		return cbcc_errf(err, "expected ',' after the format string, got '%s'", rest);
	}
	if (spec->nargs != spec->fmt.nconv)
		return cbcc_errf(err, "format \"%s\" has %d conversion%s but %d argument%s given",
				 spec->format, spec->fmt.nconv, spec->fmt.nconv == 1 ? "" : "s",
				 spec->nargs, spec->nargs == 1 ? " was" : "s were");
	return 0;
}

int trace_spec_parse(const char *text, struct trace_spec *spec, struct cbcc_err *err)
{
	size_t loclen = strcspn(text, " \t(");
	char *loc = xstrndup(text, loclen);
	const char *rest = text + loclen;
	int rc;

	memset(spec, 0, sizeof(*spec));
	spec->raw = xstrdup(text);
	rc = probe_loc_parse(loc, &spec->loc, err);
	free(loc);
	if (rc)
		return -1;
	if (*rest == '(') {
		const char *close = strchr(rest, ')');
		const char *open = strchr(rest + 1, '(');

		if (!close || (open && open < close))
			return cbcc_errf(
				err, "unbalanced or nested parentheses in the function signature");
		if (spec->loc.type == PROBE_USDT || spec->loc.type == PROBE_TRACEPOINT)
			return cbcc_errf(err,
					 "USDT and tracepoint probes can't have a function "
					 "signature; use arg1, arg2, ... or args->field instead");
		spec->signature = xstrndup(rest + 1, close - rest - 1);
		spec->sig_off = (size_t)(rest + 1 - text);
		rest = close + 1;
	}
	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest == '(') {
		int end = match_paren(rest);

		if (end < 0)
			return cbcc_errf(err, "unmatched parenthesis in predicate '%s'", rest);
		spec->predicate = xstrndup(rest, end + 1);
		spec->pred_off = (size_t)(rest - text);
		rest += end + 1;
		while (isspace((unsigned char)*rest))
			rest++;
	}
	return parse_action(text, rest, spec, err);
}

void trace_spec_free(struct trace_spec *spec)
{
	free(spec->raw);
	probe_loc_free(&spec->loc);
	free(spec->signature);
	free(spec->predicate);
	free(spec->format);
	fmt_free(&spec->fmt);
	free_strv(spec->args, spec->nargs);
	free(spec->arg_offs);
	memset(spec, 0, sizeof(*spec));
}
