#include "cli.h"

#include "prom.h"

#include <bcc/bcc_version.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static struct {
	const char *name, *usage, *help;
} tool = {"cbcc", "", ""};

void cli_init(const char *name, const char *usage, const char *help)
{
	tool.name = name;
	tool.usage = usage;
	tool.help = help;
}

void cli_usage_exit(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: error: ", tool.name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see %s -h)\n", tool.name);
	exit(2);
}

int cli_int(const char *opt, const char *arg, long min, long *out, struct cbcc_err *err)
{
	if (!parse_long(arg, out) || *out < min)
		return cbcc_errf(err, "argument %s: invalid value: '%s'", opt, arg);
	return 0;
}

long cli_int_arg(const char *opt, const char *arg, long min)
{
	struct cbcc_err err;
	long v;

	if (cli_int(opt, arg, min, &v, &err))
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
	printf("%s (cbcc) %s, libbcc %s\n", name, CBCC_VERSION, LIBBCC_VERSION);
}
