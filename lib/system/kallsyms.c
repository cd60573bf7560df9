#include "kallsyms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysenv.h"

#define KPROBE_BLACKLIST "/sys/kernel/debug/kprobes/blacklist"

/* A sorted set of names read from a file, for lookups. */
struct names {
	char **v;
	size_t n;
};

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The field-th (0-based) blank-separated word of each line of path; false
 * when path cannot be read (then s is empty). */
static bool read_names(const char *path, int field, struct names *s)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t cap = 0;

	memset(s, 0, sizeof(*s));
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *w = strtok_r(line, " \t\n", &save);

		for (int i = 0; i < field && w; i++)
			w = strtok_r(NULL, " \t\n", &save);
		if (!w)
			continue;
		if (s->n == cap) {
			cap = cap ? cap * 2 : 4096;
			s->v = xrealloc(s->v, cap * sizeof(char *));
		}
		s->v[s->n++] = xstrdup(w);
	}
	fclose(f);
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(char *), by_str);
	return true;
}

static bool names_has(const struct names *s, const char *name)
{
	return s->n && bsearch(&name, s->v, s->n, sizeof(char *), by_str);
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Whether name is one of the symbols from marker start to marker end, which
 * BCC skips for the init and irqentry sections: *state goes 0 (before), 1
 * (inside), 2 (after); an end marker seen first ends an empty section. */
static bool in_section(int *state, const char *name, const char *start, const char *end)
{
	if (*state == 0 && !strcmp(name, start)) {
		*state = 1;
		return true;
	}
	if (*state != 2 && !strcmp(name, end)) {
		*state = 2;
		return true;
	}
	return *state == 1;
}

/* BCC's "^.*\.cold(\.\d+)?$": the cold part of a function gcc split. */
static bool ends_cold(const char *name)
{
	for (const char *c = strstr(name, ".cold"); c; c = strstr(c + 1, ".cold")) {
		const char *rest = c + strlen(".cold");

		if (!*rest ||
		    (rest[0] == '.' && rest[1] && rest[1 + strspn(rest + 1, "0123456789")] == '\0'))
			return true;
	}
	return false;
}

/* BCC's name rules, and the padding symbols. */
static bool never_traced(const char *name)
{
	static const char *const prefixes[] = {"_kbl_addr_", "__perf", "perf_",
					       "__SCT__",    "__pfx_", "__cfi_"};

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (starts_with(name, prefixes[i]))
			return true;
	return ends_cold(name);
}

int kallsyms_foreach_function(bool (*fn)(const char *name, void *arg), void *arg,
			      struct cbcc_err *err)
{
	char *path = xasprintf("%s/available_filter_functions", sysenv_tracefs());
	struct names blacklist, traceable;
	bool filtered = read_names(path, 0, &traceable);
	FILE *f = fopen("/proc/kallsyms", "r");
	int init = 0, irq = 0;
	char line[1024];

	free(path);
	if (!f) {
		names_free(&traceable);
		return cbcc_errf(err, "cannot read kernel functions from /proc/kallsyms");
	}
	read_names(KPROBE_BLACKLIST, 1, &blacklist);
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *type, *name;

		if (!strtok_r(line, " \t\n", &save) || !(type = strtok_r(NULL, " \t\n", &save)) ||
		    !(name = strtok_r(NULL, " \t\n", &save)))
			continue;
		if (in_section(&init, name, "__init_begin", "__init_end") ||
		    in_section(&irq, name, "__irqentry_text_start", "__irqentry_text_end"))
			continue;
		if (!strchr("tTwW", *type) || type[1] || never_traced(name) ||
		    names_has(&blacklist, name) || (filtered && !names_has(&traceable, name)))
			continue;
		if (!fn(name, arg))
			break;
	}
	fclose(f);
	names_free(&blacklist);
	names_free(&traceable);
	return 0;
}
