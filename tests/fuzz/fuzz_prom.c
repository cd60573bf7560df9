/* libFuzzer target: what the exporter takes from outside. The Accept header
 * and the --prometheus address are parsed; label values, HELP text and
 * names made from expressions are escaped or sanitized, and the exposition
 * of any of them must stay well formed: valid UTF-8, no line break or quote
 * that the format would read as structure, valid names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

/* The inside of a quoted label value as Prometheus' parser reads it. */
static void check_value(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len = utf8_char_len(s + i, n - i);

		if (!len || s[i] == '"' || s[i] == '\n')
			abort();
		if (s[i] == '\\') {
			if (i + 1 >= n || !strchr("\\\"n", s[i + 1]))
				abort();
			len = 2;
		}
		i += len;
	}
}

static void check_names(const char *text)
{
	const char *parts[8];
	char *copy = strdup(text), *save = NULL, *name = prom_name(text), **labels;
	int n = 0;

	if (name) {
		char *seconds = prom_seconds_name(name);

		if (!prom_name_valid(name) || !prom_name_valid(seconds))
			abort();
		free(seconds);
	}
	free(name);
	for (char *p = strtok_r(copy, "\n", &save); p && n < 8; p = strtok_r(NULL, "\n", &save))
		parts[n++] = p;
	labels = prom_label_names(parts, n);
	for (int i = 0; i < n; i++) {
		if (!prom_name_valid(labels[i]) || !strcmp(labels[i], "le"))
			abort();
		for (int j = 0; j < i; j++)
			if (!strcmp(labels[i], labels[j]))
				abort();
	}
	for (int i = 0; i < n; i++)
		free(labels[i]);
	free(labels);
	free(copy);
}

/* One series whose label value and HELP are the input: exactly the lines
 * the format has, the value well formed. */
static void check_exposition(const char *text)
{
	static const char *const label[] = {"v"};
	struct prom_registry *r = prom_registry_new();
	struct prom_family *f = prom_family_new(r, PROM_COUNTER, "x", text, label, 1, NULL);
	const char *values[] = {text};

	prom_add(f, values, 1);
	for (int fmt = 0; fmt < 2; fmt++) {
		struct strbuf out = STRBUF_INIT;
		const char *v, *end;
		int lines = 0;

		prom_render(r, fmt, &out);
		for (const char *p = sb_str(&out); (p = strchr(p, '\n')); p++)
			lines++;
		if (lines != (fmt == PROM_OPENMETRICS ? 4 : 3))
			abort();
		v = strstr(sb_str(&out), "\nx_total{v=\""); /* the sample line */
		end = v ? strstr(v, "\"} 1\n") : NULL;
		if (!end)
			abort();
		v += strlen("\nx_total{v=\"");
		check_value(v, (size_t)(end - v));
		sb_free(&out);
	}
	prom_registry_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct strbuf escaped = STRBUF_INIT;
	struct cbcc_err err;
	enum prom_format fmt;

	memcpy(text, data, size);
	text[size] = '\0';
	fmt = prom_negotiate(text);
	if (fmt != PROM_TEXT && fmt != PROM_OPENMETRICS)
		abort();
	if (prom_addr_check(text, &err) && !strstr(err.msg, "expected [HOST]:PORT"))
		abort();
	prom_escape_value(&escaped, (const char *)data, size);
	check_value(sb_str(&escaped), escaped.len);
	sb_free(&escaped);
	check_names(text);
	check_exposition(text);
	free(text);
	return 0;
}
