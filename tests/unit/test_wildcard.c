/* lib/wildcard: funccount/stackcount patterns, globs and -r regular
 * expressions, including the ones glibc's regcomp cannot afford. */
#include <regex.h>
#include <string.h>

#include "wildcard.h"

#include "check.h"

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
		CHECKF(false, "'%s' rejected: %s", text, err.msg);
		return;
	}
	CHECKF(matches(&p, yes) && !(no && matches(&p, no)), "'%s' on '%s'/'%s'", text, yes,
	       no ? no : "");
	wc_pattern_free(&p);
}

static void bad(const char *text, bool regex, const char *msg)
{
	struct wc_pattern p;
	struct cbcc_err err;

	memset(&p, 0, sizeof(p));
	if (!wc_parse(text, regex, 0, &p, &err)) {
		CHECKF(false, "'%s' accepted", text);
		wc_pattern_free(&p);
		return;
	}
	CHECKF(strstr(err.msg, msg) != NULL, "'%s': '%s' lacks '%s'", text, err.msg, msg);
}

/* tplist's filters: Python's fnmatch, as BCC's tplist */
static void glob(const char *g, const char *name, bool want)
{
	CHECKF(wc_glob(g, name) == want, "glob '%s' on '%s': want %d", g, name, want);
}

int main(void)
{
	glob("sched:sched_[ws]*", "sched:sched_switch", true);
	glob("sched:sched_[!ws]*", "sched:sched_switch", false);
	glob("sched:sched_sw?tch", "sched:sched_switch", true);
	glob("sched:sched_sw.tch", "sched:sched_switch", false); /* '.' is literal */
	glob("a\\b*", "a\\bc", true);				 /* so is '\\' */
	glob("a\\b*", "ab", false);

	good("vfs_*", false, "vfs_read", "do_vfs_read");
	good("t:sched:sched_sw*", false, "sched:sched_switch", "sched:sched_wakeup");
	/* BCC's globs: '*' becomes '.*', everything else keeps its regex meaning */
	good("a.b", false, "axb", "ab");
	good("[a-g]*", false, "getpid", "hostname");
	good("mallo?c", false, "mallc", "mallocc");
	good("vfs_(read|write)", false, "vfs_write", "vfs_writev"); /* anchored at both ends */
	good("vfs_read|vfs_write", false, "vfs_write", "do_vfs_write");
	good("tcp_*", false, "tcp_sendmsg", "__pfx_tcp_sendmsg");
	good("vfs_(read|write)", true, "vfs_write",
	     "do_vfs_read"); /* re.match: anchored at the start only */
	good("^tcp.*v[46]$", true, "tcp_v4", "tcp_v5");
	good("a*?", true, "aaa", NULL);
	good("a{1,999}", true, "aa", NULL);
	bad("a**", true, "multiple repeat");
	bad("+a", true, "nothing to repeat");
	bad("x)|(.*", true, "unbalanced parenthesis");
	bad("(a{255}){255}", true, "too large once expanded");
	/* globs are regular expressions too: the same refusals, naming the glob */
	bad("x)|(*", false, "unbalanced parenthesis in regular expression 'x)|(*'");
	bad("a{2}{3}*", false, "multiple repeat in regular expression 'a{2}{3}*'");
	bad("(a{255}){255}*", false, "too large once expanded");
	bad("c[a-", false, "invalid regular expression 'c[a-'");
	return check_finish("wildcard");
}
