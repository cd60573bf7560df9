/* libFuzzer target: funccount/stackcount patterns compiled as globs (BCC's:
 * regular expressions with '*' for '.*') and as -r regular expressions,
 * matched against a few fixed names. Finding a
 * library reads the file system, so a pattern naming one is fuzzed through
 * its name part alone: nothing here touches ELF files, tracefs or /proc.
 *
 * The input is the pattern, then the names of what it matched (ELF symbols,
 * USDT providers and probes, any bytes but NUL), each after a NUL byte. The
 * whole path from matches to funccount's and stackcount's programs is run
 * for kernel functions, library functions, tracepoints and USDT probes;
 * oracles (slots.h): only the prelude's directives, and the same tokens as
 * with placeholder names. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "countgen.h"
#include "wildcard.h"

#include "slots.h"

static const char *const names[] = {
	"",
	"vfs_read",
	"vfs_write",
	"do_sys_openat2",
	"tcp_v4_connect",
	"malloc",
	"pthread_create",
	"sched:sched_switch",
	"syscalls:sys_enter_openat",
	"a.b*c[d](e)+f?{g}|h^i$j\\k",
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
};

/* What a glob of plain characters means in funccount (as in BCC): '*' is
 * any run of characters, everything else stands for itself, and the whole
 * name must match. (Other characters keep their regular-expression
 * meaning, see plain().) */
static bool star_match(const char *glob, const char *name)
{
	const char *star = NULL, *resume = NULL;

	while (*name) {
		if (*glob == '*') {
			star = glob++;
			resume = name;
		} else if (*glob == *name) {
			glob++;
			name++;
		} else if (star) {
			glob = star + 1;
			name = ++resume;
		} else {
			return false;
		}
	}
	while (*glob == '*')
		glob++;
	return !*glob;
}

/* Whether glob has no character that is special in a regular expression
 * but '*'. */
static bool plain(const char *glob)
{
	return !glob[strcspn(glob, ".[](){}+?|^$\\")];
}

/* Whether wc_parse would look a library up: "lib:func" and "p|u:lib:func"
 * with a valid type and a name (its checks come before the lookup). */
static const char *name_if_library(const char *text)
{
	const char *c1 = strchr(text, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if (!c1 || (c2 && strchr(c2 + 1, ':')))
		return NULL; /* no library, or too many components */
	if (!c2)
		return c1 != text && c1[1] ? c1 + 1 : NULL;
	if (c1 - text != 1 || (*text != 'p' && *text != 'u'))
		return NULL;
	return c2 != c1 + 1 && c2[1] ? c2 + 1 : NULL;
}

static void check(const char *text, bool use_regex)
{
	const char *name = name_if_library(text);
	struct wc_pattern p;
	struct cbcc_err err = {"unset"};

	if (wc_parse(name ? name : text, use_regex, 0, &p, &err)) {
		if (!strncmp(err.msg, "unset", 5))
			abort(); /* every failure must say why */
		if (!use_regex && plain(name ? name : text) &&
		    !strncmp(err.msg, "invalid regular expression", 26))
			abort(); /* a plain glob always compiles */
		return;
	}
	if (p.library || !p.text)
		abort();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bool hit = regexec(&p.re, names[i], 0, NULL, 0) == 0;

		if (!use_regex && plain(p.text) && hit != star_match(p.text, names[i]))
			abort(); /* the regular expression must mean the glob */
		(void)wc_glob(text, names[i]);
	}
	(void)wc_is_kernel(&p);
	wc_pattern_free(&p);
}

/* A pattern's n matches named names[0..n-1] (hostile) or "fI" (harmless),
 * their functions named as wc_find_probes and wc_plan name them: kernel
 * functions whose bit in fentry_bits is set use fentry when their name
 * allows it (kfunc_fn_name); of the others, those with the next bit set are
 * in the multi-probe link, the rest have their own probe. */
struct matches {
	struct wc_list hostile, harmless;
	char **fn_names;
	struct wc_plan plan;
};

static void make_matches(struct matches *m, char **names, int n, bool kernel, unsigned bits)
{
	memset(m, 0, sizeof(*m));
	m->fn_names = calloc(n ? n : 1, sizeof(char *));
	m->plan.how = calloc(n ? n : 1, sizeof(enum wc_how));
	m->plan.n = n;
	m->hostile.m = calloc(n ? n : 1, sizeof(struct wc_match));
	m->harmless.m = calloc(n ? n : 1, sizeof(struct wc_match));
	m->hostile.n = m->harmless.n = n;
	for (int i = 0; i < n; i++) {
		struct probe_loc loc = {.type = PROBE_ENTRY, .library = "", .function = names[i]};
		char *kname = kernel && (bits >> (i % 32)) & 1 ? kfunc_fn_name(&loc) : NULL;

		m->hostile.m[i] = (struct wc_match){names[i], names[i], (uint64_t)i};
		m->harmless.m[i] = (struct wc_match){"f", "p", (uint64_t)i};
		m->plan.how[i] = kname				? WC_FENTRY
				 : (bits >> ((i + 1) % 32)) & 1 ? WC_MULTI
								: WC_SINGLE;
		m->plan.count[m->plan.how[i]]++;
		if (kname)
			m->fn_names[i] = kname;
		else if (asprintf(&m->fn_names[i], "cbcc_count_%d", i) < 0)
			abort();
	}
}

static void free_matches(struct matches *m, int n)
{
	for (int i = 0; i < n; i++)
		free(m->fn_names[i]);
	free(m->fn_names);
	free(m->plan.how);
	free(m->hostile.m);
	free(m->harmless.m);
}

/* A program from hostile names and one from harmless names: the same bytes
 * (checked first: it is the common case), or else fuzz_check_pair's. */
static void check_programs(char *a, char *b)
{
	if (!a || !b)
		abort();
	if (!strcmp(a, b)) {
		free(a);
		free(b);
		return;
	}
	fuzz_check_pair(a, b);
}

static void check_countgen(char **names, int n, unsigned bits)
{
	static const struct {
		enum probe_type type;
		char *library;
	} kinds[] = {{PROBE_ENTRY, NULL},
		     {PROBE_ENTRY, "lib"},
		     {PROBE_TRACEPOINT, NULL},
		     {PROBE_USDT, "lib"}};

	for (size_t t = 0; t < sizeof(kinds) / sizeof(kinds[0]); t++) {
		struct wc_pattern p = {.type = kinds[t].type, .library = kinds[t].library};
		struct stack_opts o = {bits & 1 ? 1 : -1, bits & 2, bits & 4, bits & 8};
		struct cbcc_err err;
		struct matches m;

		make_matches(&m, names, n, wc_is_kernel(&p) && p.type == PROBE_ENTRY, bits);
		check_programs(
			countgen_funccount(&p, &m.hostile, m.fn_names, &m.plan, o.cpu, &err),
			countgen_funccount(&p, &m.harmless, m.fn_names, &m.plan, o.cpu, &err));
		check_programs(countgen_stackcount(&p, &m.hostile, m.fn_names, "cbcc_stack_0",
						   &m.plan, &o, &err),
			       countgen_stackcount(&p, &m.harmless, m.fn_names, "cbcc_stack_0",
						   &m.plan, &o, &err));
		free_matches(&m, n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *names[4];
	int n = 0;

	memcpy(text, data, size);
	text[size] = '\0';
	check(text, false);
	check(text, true);
	for (const char *p = text + strlen(text) + 1; p < text + size && n < 4; p += strlen(p) + 1)
		names[n++] = (char *)p;
	check_countgen(names, n, size > 0 ? data[0] : 0);
	free(text);
	return 0;
}
