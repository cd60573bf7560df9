#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *template_text(const char *name)
{
	for (const struct cbcc_template *t = cbcc_templates; t->name; t++)
		if (!strcmp(t->name, name))
			return t->text;
	fprintf(stderr, "cbcc: internal error: no template %s\n", name);
	abort();
}

static const char *lookup(const struct tvar *vars, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(vars[i].name) == len && !strncmp(vars[i].name, name, len))
			return vars[i].value ? vars[i].value : "";
	fprintf(stderr, "cbcc: internal error: no value for {{%.*s}}\n", (int)len, name);
	abort();
}

void template_render(struct strbuf *out, const char *name, const struct tvar *vars, int nvars)
{
	const char *p = template_text(name);

	for (;;) {
		const char *open = strstr(p, "{{");
		const char *close;

		if (!open) {
			sb_append(out, p);
			return;
		}
		close = strstr(open + 2, "}}");
		if (!close) {
			sb_append(out, p);
			return;
		}
		sb_appendn(out, p, open - p);
		sb_append(out, lookup(vars, nvars, open + 2, close - open - 2));
		p = close + 2;
	}
}
