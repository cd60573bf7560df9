#include "template.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csrc.h"

/* What a placeholder may hold: generated code (the default), an identifier
 * or a number. Only numbers may stand inside a template's comments. */
enum slot_kind { SLOT_CODE, SLOT_IDENT, SLOT_NUMBER };

static const struct {
	const char *name;
	enum slot_kind kind;
} slot_kinds[] = {
	{"NAME", SLOT_IDENT},	      {"FN", SLOT_IDENT},	{"STRUCT", SLOT_IDENT},
	{"EXIT_FN", SLOT_IDENT},      {"CTX", SLOT_IDENT},	{"INDEX", SLOT_NUMBER},
	{"SLOT", SLOT_NUMBER},	      {"NSLOTS", SLOT_NUMBER},	{"NPROBES", SLOT_NUMBER},
	{"MAX_ENTRIES", SLOT_NUMBER}, {"PER_PID", SLOT_NUMBER}, {"KSTACK", SLOT_NUMBER},
	{"USTACK", SLOT_NUMBER},      {"ARGSIZE", SLOT_NUMBER}, {"MAXARGS", SLOT_NUMBER},
	{"PATH_SIZE", SLOT_NUMBER},   {"NR_MAX", SLOT_NUMBER},	{"SLOTS", SLOT_NUMBER},
	{"EXIT", SLOT_NUMBER},	      {"CPU", SLOT_NUMBER},	{"TABLE", SLOT_IDENT},
};

static __attribute__((noreturn)) void bug(const char *what, const char *tmpl, size_t len,
					  const char *name)
{
	fprintf(stderr, "cbcc: internal error: %s {{%.*s}} in template %s\n", what, (int)len, name,
		tmpl);
	abort();
}

const char *template_text(const char *name)
{
	for (const struct cbcc_template *t = cbcc_templates; t->name; t++)
		if (!strcmp(t->name, name))
			return t->text;
	fprintf(stderr, "cbcc: internal error: no template %s\n", name);
	abort();
}

static enum slot_kind kind_of(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(slot_kinds) / sizeof(slot_kinds[0]); i++)
		if (strlen(slot_kinds[i].name) == len && !strncmp(slot_kinds[i].name, name, len))
			return slot_kinds[i].kind;
	return SLOT_CODE;
}

static const char *lookup(const struct tvar *vars, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(vars[i].name) == len && !strncmp(vars[i].name, name, len))
			return vars[i].value ? vars[i].value : "";
	fprintf(stderr, "cbcc: internal error: no value for {{%.*s}}\n", (int)len, name);
	abort();
}

/* Whether the template text from p to end leaves a comment open, starting
 * in_comment ("/ *" comments only: templates use no line comments). */
static bool comment_after(const char *p, const char *end, bool in_comment)
{
	for (; p + 1 < end; p++) {
		if (!in_comment && p[0] == '/' && p[1] == '*') {
			in_comment = true;
			p++;
		} else if (in_comment && p[0] == '*' && p[1] == '/') {
			in_comment = false;
			p++;
		}
	}
	return in_comment;
}

static void append_value(struct strbuf *out, const char *tmpl, const char *name, size_t len,
			 const char *value, bool in_comment)
{
	enum slot_kind kind = kind_of(name, len);

	if (in_comment && kind != SLOT_NUMBER)
		bug("a comment holds", tmpl, len, name);
	if (kind == SLOT_IDENT)
		csrc_ident(out, value);
	else if (kind == SLOT_NUMBER && !csrc_is_number(value, strlen(value)))
		bug("not a number in", tmpl, len, name);
	else
		sb_append(out, value);
}

/* Renders the template text from p to end, in_comment carried across calls. */
static void render_part(struct strbuf *out, const char *name, const char *p, const char *end,
			const struct tvar *vars, int nvars, bool *in_comment)
{
	for (;;) {
		const char *open = memmem(p, (size_t)(end - p), "{{", 2);
		const char *close =
			open ? memmem(open + 2, (size_t)(end - open - 2), "}}", 2) : NULL;

		if (!close) {
			sb_appendn(out, p, (size_t)(end - p));
			return;
		}
		sb_appendn(out, p, (size_t)(open - p));
		*in_comment = comment_after(p, open, *in_comment);
		append_value(out, name, open + 2, (size_t)(close - open - 2),
			     lookup(vars, nvars, open + 2, (size_t)(close - open - 2)),
			     *in_comment);
		p = close + 2;
	}
}

/* The embedded template a line `#include "NAME"` names (a contract header
 * the tools include too), or NULL. */
static const char *included(const char *line, const char *eol)
{
	static const char directive[] = "#include \"";
	size_t len = sizeof(directive) - 1;

	if ((size_t)(eol - line) <= len + 1 || strncmp(line, directive, len) || eol[-1] != '"')
		return NULL;
	for (const struct cbcc_template *t = cbcc_templates; t->name; t++)
		if (strlen(t->name) == (size_t)(eol - line) - len - 1 &&
		    !strncmp(t->name, line + len, strlen(t->name)))
			return t->name;
	return NULL;
}

void template_render(struct strbuf *out, const char *name, const struct tvar *vars, int nvars)
{
	const char *p = template_text(name), *line = p;
	bool in_comment = false;

	while (*line) {
		const char *eol = strchrnul(line, '\n');
		const char *header = included(line, eol);

		if (header && !comment_after(p, line, in_comment)) {
			render_part(out, name, p, line, vars, nvars, &in_comment);
			template_render(out, header, NULL, 0);
			in_comment = false; /* as it was at the #include line */
			p = *eol ? eol + 1 : eol;
		}
		line = *eol ? eol + 1 : eol;
	}
	render_part(out, name, p, line, vars, nvars, &in_comment);
}

char *template_string(const char *name, const struct tvar *vars, int nvars)
{
	struct strbuf out = STRBUF_INIT;

	template_render(&out, name, vars, nvars);
	return sb_steal(&out);
}
