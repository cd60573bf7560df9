/* lib/wildcard: funccount/stackcount patterns, globs and -r regular
 * expressions, including the ones glibc's regcomp cannot afford. */
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "wildcard.h"

static int failures;

static bool matches(const struct wc_pattern *p, const char *name)
{
	return regexec(&p->re, name, 0, NULL, 0) == 0;
}

/* text parses (kernel functions: no file access), matches yes, not no */
static void good(const char *text, bool regex, const char *yes, const char *no)
{
	struct wc_pattern p;
	struct cbcc_err err;

	memset(&p, 0, sizeof(p));
	if (wc_parse(text, regex, 0, &p, &err)) {
		fprintf(stderr, "FAIL: '%s' rejected: %s\n", text, err.msg);
		failures++;
		return;
	}
	if (!matches(&p, yes) || (no && matches(&p, no))) {
		fprintf(stderr, "FAIL: '%s' on '%s'/'%s'\n", text, yes, no ? no : "");
		failures++;
	}
	wc_pattern_free(&p);
}

static void bad(const char *text, const char *msg)
{
	struct wc_pattern p;
	struct cbcc_err err;

	memset(&p, 0, sizeof(p));
	if (!wc_parse(text, true, 0, &p, &err)) {
		fprintf(stderr, "FAIL: '%s' accepted\n", text);
		failures++;
		wc_pattern_free(&p);
		return;
	}
	if (!strstr(err.msg, msg)) {
		fprintf(stderr, "FAIL: '%s': '%s' lacks '%s'\n", text, err.msg, msg);
		failures++;
	}
}

int main(void)
{
	good("vfs_*", false, "vfs_read", "do_vfs_read");
	good("t:sched:sched_sw*", false, "sched:sched_switch", "sched:sched_wakeup");
	good("a.b", false, "a.b", "axb"); /* a glob's '.' is literal */
	good("vfs_(read|write)", true, "vfs_write",
	     "do_vfs_read"); /* re.match: anchored at the start only */
	good("^tcp.*v[46]$", true, "tcp_v4", "tcp_v5");
	good("a*?", true, "aaa", NULL);
	good("a{1,999}", true, "aa", NULL);
	bad("a**", "multiple repeat");
	bad("+a", "nothing to repeat");
	bad("x)|(.*", "unbalanced parenthesis");
	bad("(a{255}){255}", "too large once expanded");
	return failures != 0;
}
