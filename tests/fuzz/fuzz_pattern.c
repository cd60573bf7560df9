/* libFuzzer target: funccount/stackcount patterns compiled as globs (BCC's:
 * regular expressions with '*' for '.*') and as -r regular expressions,
 * matched against a few fixed names. Finding a
 * library reads the file system, so a pattern naming one is fuzzed through
 * its name part alone: nothing here touches ELF files, tracefs or /proc. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wildcard.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	check(text, false);
	check(text, true);
	free(text);
	return 0;
}
