/* tplist: list kernel tracepoints or the USDT probes of a binary or
 * process, with their fields or arguments. Output as BCC's tplist. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "runtime.h"
#include "signals.h"
#include "strbuf.h"
#include "sysenv.h"
#include "wildcard.h"

static struct env {
	long pid;
	const char *lib;
	int verbosity;
	const char *filter;
	struct cli_common common; /* none of its options exist here */
} env;

static const char usage_text[] = "usage: tplist [-h] [-p PID] [-l LIB] [-v] [filter]\n";

static const char help_text[] =
	"\nDisplay kernel tracepoints or USDT probes and their formats.\n\n"
	"positional arguments:\n"
	"  filter             A filter that specifies which probes/tracepoints to print\n\n"
	"options:\n"
	"  -h, --help         show this help message and exit\n"
	"  --version          show the version and exit\n"
	"  -p PID, --pid PID  List USDT probes in the specified process\n"
	"  -l LIB, --lib LIB  List USDT probes in the specified library or executable\n"
	"  -v                 Increase verbosity level (print variables, arguments, etc.)\n";

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"pid", required_argument, 0, 'p'},
		{"lib", required_argument, 0, 'l'},
		CLI_LONGOPTS_END,
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:l:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			env.pid = cli_number_arg("-p/--pid", optarg, CLI_PID);
			break;
		case 'l':
			env.lib = optarg;
			break;
		case 'v':
			env.verbosity++;
			break;
		default:
			cli_common_option(c, argv, &env.common);
		}
	}
	if (argc - optind > 1)
		cli_usage_exit("unrecognized arguments: %s", argv[optind + 1]);
	env.filter = optind < argc ? argv[optind] : NULL;
}

/* In a bracket expression at p (just past '['): the end of a class such as
 * "[:alpha:]" starting at p, or NULL when it is none or has no end. */
static const char *class_end(const char *p)
{
	char close[3] = {p[1], ']', '\0'};

	if (p[0] != '[' || (p[1] != ':' && p[1] != '.' && p[1] != '='))
		return NULL;
	p = strstr(p + 2, close);
	return p ? p + 1 : NULL;
}

/* The first '[' of a filter that no ']' closes (fnmatch would take it
 * literally and match nothing), or NULL. */
static const char *unclosed_bracket(const char *glob)
{
	for (const char *p = glob; *p; p++) {
		const char *q = p + 1;

		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p != '[')
			continue;
		q += *q == '!' || *q == '^';
		q += *q == ']'; /* a leading ']' is a member */
		while (*q && *q != ']')
			q = class_end(q) ? class_end(q) + 1 : q + 1;
		if (!*q)
			return p;
		p = q;
	}
	return NULL;
}

static bool output_ok(void)
{
	return !ferror(stdout);
}

static __attribute__((noreturn)) void die(const char *msg)
{
	fprintf(stderr, "tplist: %s\n", msg);
	exit(1);
}

/* "    TYPE NAME;" for each non-common field, as the format file spells it. */
static void print_format(const char *tp)
{
	size_t catlen = strcspn(tp, ":");
	char *path = xasprintf("%s/events/%.*s/%s/format", sysenv_tracefs(), (int)catlen, tp,
			       tp + catlen + 1);
	char *text = read_file(path);
	char *save = NULL;

	free(path);
	for (char *line = strtok_r(text, "\n", &save); text && line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *decl = strstr(line, "field:"), *semi, *name;

		if (!decl || !(semi = strchr(decl, ';')))
			continue;
		*semi = '\0';
		decl = strip(decl + 6);
		name = strrchr(decl, ' ');
		if (!name || starts_with(name + 1, "common_"))
			continue;
		*name++ = '\0';
		/* collapse runs of blanks in the type as " ".join(split()) */
		printf("    ");
		for (char *w = strtok(decl, " \t"); w; w = strtok(NULL, " \t"))
			printf("%s%s", w, " ");
		printf("%s;\n", name);
	}
	free(text);
}

static void list_tracepoints(void)
{
	struct cbcc_err err;
	char **names;
	int n;

	if (sysenv_check_tracefs(&err) || wc_tracepoints(env.filter, &names, &n, &err))
		die(err.msg);
	for (int i = 0; i < n && output_ok(); i++) {
		printf("%s\n", names[i]);
		if (env.verbosity > 0)
			print_format(names[i]);
	}
	free_strv(names, n);
}

/* The USDT listing's state: the context and the probes printed so far. */
struct usdt_list {
	void *ctx;
	char **seen;
	int nseen;
};

static void print_locations(const struct usdt_list *l, const struct rt_usdt_probe *u)
{
	struct strbuf arg = STRBUF_INIT;

	for (int loc = 0; loc < u->num_locations; loc++) {
		const char *bin_path;
		uint64_t addr;

		if (rt_usdt_location(l->ctx, u->provider, u->name, loc, &bin_path, &addr))
			continue;
		printf("  location #%d %s 0x%llx\n", loc + 1, bin_path, (unsigned long long)addr);
		for (int a = 0; a < u->num_arguments; a++) {
			sb_reset(&arg);
			if (rt_usdt_argument_text(l->ctx, u->provider, u->name, loc, a, &arg))
				continue;
			printf("    argument #%d %s\n", a + 1, sb_str(&arg));
		}
	}
	sb_free(&arg);
}

static void print_usdt_probe(void *cookie, const struct rt_usdt_probe *u)
{
	struct usdt_list *l = cookie;
	char *name = xasprintf("%s:%s", u->provider, u->name);

	if ((env.filter && !wc_glob(env.filter, name)) || !output_ok()) {
		free(name);
		return;
	}
	for (int i = 0; i < l->nseen; i++)
		if (!strcmp(l->seen[i], name)) {
			free(name);
			return;
		}
	l->seen = xrealloc(l->seen, (l->nseen + 1) * sizeof(char *));
	l->seen[l->nseen++] = name;
	if (env.verbosity == 0) {
		printf("%s %s\n", u->bin_path, name);
		return;
	}
	printf("%s [sema 0x%llx]\n", name, (unsigned long long)u->semaphore);
	if (env.verbosity > 1) {
		print_locations(l, u);
		return;
	}
	printf("  %d location(s)\n", u->num_locations);
	printf("  %d argument(s)\n", u->num_arguments);
}

/* libbcc is given the library as the user typed it, as BCC's tplist does:
 * it resolves the name itself (PATH, ld.so.cache) and the listing shows the
 * path so found or given, not the file a symlink leads to. */
static void list_usdt(void)
{
	const char *lib = env.lib && *env.lib ? env.lib : NULL;
	struct usdt_list l = {0};
	struct cbcc_err err;
	char *found = lib ? rt_find_library(lib, (pid_t)env.pid, &err) : NULL;

	if (lib && !found)
		die(err.msg);
	free(found);
	l.ctx = rt_usdt_open(lib, (pid_t)env.pid);
	if (!l.ctx) {
		char *msg =
			env.pid ? xasprintf(
					  "cannot read USDT probes of process %ld (does it exist?)",
					  env.pid)
				: xasprintf("cannot read USDT probes of %s", lib);

		die(msg);
	}
	rt_usdt_foreach(l.ctx, print_usdt_probe, &l);
	rt_usdt_close(l.ctx);
	free_strv(l.seen, l.nseen);
}

static void check_filter(void)
{
	const char *open = env.filter ? unclosed_bracket(env.filter) : NULL;
	char *msg;

	if (!open)
		return;
	msg = xasprintf("invalid filter '%s': the '[' at offset %d has no closing ']'", env.filter,
			(int)(open - env.filter));
	die(msg);
}

int main(int argc, char **argv)
{
	static volatile sig_atomic_t stop;

	cli_init("tplist", usage_text, help_text);
	parse_args(argc, argv);
	check_filter();
	signals_install(&stop); /* a closed stdout becomes a write error, exit 0 */
	if (env.pid || (env.lib && *env.lib))
		list_usdt();
	else
		list_tracepoints();
	fflush(stdout);
	return 0;
}
