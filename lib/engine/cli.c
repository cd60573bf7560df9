#include "cli.h"

#include "prom.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime.h"
#include "sysenv.h"

static struct {
	const char *name, *usage, *help;
} tool = {"cbcc", "", ""};

void cli_init(const char *name, const char *usage, const char *help)
{
	tool.name = name;
	tool.usage = usage;
	tool.help = help;
}

const char *cli_tool_name(void)
{
	return tool.name;
}

void cli_usage_exit(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: error: ", tool.name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see %s -h)\n", tool.name);
	exit(2);
}

/* "argument OPT: invalid value: 'ARG'", and why when why is not NULL. */
static int invalid(const char *opt, const char *arg, const char *why, struct cbcc_err *err)
{
	return cbcc_errf(err, "argument %s: invalid value: '%s'%s%s%s", opt, arg, why ? " (" : "",
			 why ? why : "", why ? ")" : "");
}

/* Parses a whole decimal/hex/octal integer: false on junk. *overflow is
 * set when it is a number too large for a long. */
static bool parse_number(const char *arg, long *out, bool *overflow)
{
	char *end;

	*overflow = false;
	if (!arg || !*arg)
		return false;
	errno = 0;
	*out = strtol(arg, &end, 0);
	if (*end || end == arg)
		return false;
	*overflow = errno == ERANGE;
	return true;
}

/* cli_range, the range's explanation (note) added to the message. */
static int range(const char *opt, const char *arg, long min, long max, const char *note, long *out,
		 struct cbcc_err *err)
{
	char why[128];
	bool overflow;

	if (!parse_number(arg, out, &overflow))
		return invalid(opt, arg, NULL, err);
	if (!overflow && *out >= min && *out <= max)
		return 0;
	if (max == LONG_MAX)
		snprintf(why, sizeof(why), "at least %ld%s", min, note);
	else
		snprintf(why, sizeof(why), "%ld to %ld%s", min, max, note);
	return invalid(opt, arg, why, err);
}

int cli_range(const char *opt, const char *arg, long min, long max, long *out, struct cbcc_err *err)
{
	return range(opt, arg, min, max, "", out, err);
}

long cli_range_arg(const char *opt, const char *arg, long min, long max)
{
	struct cbcc_err err;
	long v;

	if (cli_range(opt, arg, min, max, &v, &err))
		cli_usage_exit("%s", err.msg);
	return v;
}

long cli_int_arg(const char *opt, const char *arg, long min)
{
	return cli_range_arg(opt, arg, min, LONG_MAX);
}

/* kernel.pid_max: pids are below it. */
static long pid_max(void)
{
	char *text = read_file("/proc/sys/kernel/pid_max");
	long v = 0;

	if (!text || !parse_long(strip(text), &v) || v < 2)
		v = 4194304; /* the 64-bit kernels' ceiling */
	free(text);
	return v;
}

static int check_cpu(const char *opt, const char *arg, long cpu, struct cbcc_err *err)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	char *online = read_file("/sys/devices/system/cpu/online");
	char why[160];
	int rc = 0;

	if (cpu < 0 || cpu >= ncpu || !sysenv_cpu_online((int)cpu)) {
		snprintf(why, sizeof(why), "%s; CPUs online: %s",
			 cpu >= 0 && cpu < ncpu ? "that CPU is offline" : "no such CPU",
			 online ? strip(online) : "unknown");
		rc = invalid(opt, arg, why, err);
	}
	free(online);
	return rc;
}

int cli_number(const char *opt, const char *arg, enum cli_number kind, long *out,
	       struct cbcc_err *err)
{
	switch (kind) {
	case CLI_PID:
		return range(opt, arg, 1, pid_max() - 1, ": pids are below kernel.pid_max", out,
			     err);
	case CLI_UID:
		return range(opt, arg, 0, CLI_MAX_UID, "", out, err);
	case CLI_CPU:
		if (range(opt, arg, 0, INT_MAX, "", out, err))
			return -1;
		return check_cpu(opt, arg, *out, err);
	case CLI_SECONDS:
		return range(opt, arg, 1, CLI_MAX_SECONDS, " seconds", out, err);
	case CLI_COUNT:
		return range(opt, arg, 1, LONG_MAX, "", out, err);
	case CLI_PAGES:
		if (range(opt, arg, 1, CLI_MAX_PAGES, " pages, a power of two", out, err))
			return -1;
		if (*out & (*out - 1))
			return invalid(opt, arg, "must be a power of two", err);
		return 0;
	}
	return invalid(opt, arg, NULL, err);
}

long cli_number_arg(const char *opt, const char *arg, enum cli_number kind)
{
	struct cbcc_err err;
	long v;

	if (cli_number(opt, arg, kind, &v, &err))
		cli_usage_exit("%s", err.msg);
	return v;
}

void cli_common_option(int c, char **argv, struct cli_common *o)
{
	struct cbcc_err err;

	switch (c) {
	case CLI_OPT_VERSION:
		cli_print_version(tool.name);
		exit(0);
	case 'h':
		fputs(tool.usage, stdout);
		fputs(tool.help, stdout);
		exit(0);
	case CLI_OPT_NO_CACHE:
		o->no_cache = true;
		break;
	case CLI_OPT_JSON:
		o->json = true;
		break;
	case CLI_OPT_UNSAFE:
		o->unsafe = true;
		break;
	case CLI_OPT_NO_MULTI:
		o->no_multi = true;
		break;
	case CLI_OPT_KPROBE:
	case CLI_OPT_FENTRY:
		if (kfunc_method_option(c == CLI_OPT_FENTRY, &o->kfunc, &err))
			cli_usage_exit("%s", err.msg);
		break;
	case CLI_OPT_PROMETHEUS:
		if (prom_addr_check(optarg, &err))
			cli_usage_exit("argument --prometheus: %s", err.msg);
		o->prometheus = optarg;
		break;
	case CLI_OPT_QUIET:
		o->quiet = true;
		break;
	case ':':
		cli_usage_exit("argument %s: expected one argument", argv[optind - 1]);
	default:
		cli_usage_exit("unrecognized option '%s'", argv[optind - 1]);
	}
}

void cli_common_done(const struct cli_common *o)
{
	if (o->quiet && !o->prometheus)
		cli_usage_exit("--quiet only goes with --prometheus%s", "");
}

void cli_print_version(const char *name)
{
	printf("%s (cbcc) %s, libbcc %s\n", name, CBCC_VERSION, rt_bcc_version());
}
