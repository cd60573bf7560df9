#include "cli.h"

#include <bcc/bcc_version.h>

#include <stdio.h>

void cli_usage_error(const char *tool, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: error: ", tool);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see %s -h)\n", tool);
}

int cli_int(const char *opt, const char *arg, long min, long *out, struct cbcc_err *err)
{
	if (!parse_long(arg, out) || *out < min)
		return cbcc_errf(err, "argument %s: invalid value: '%s'", opt, arg);
	return 0;
}

void cli_print_version(const char *tool)
{
	printf("%s (cbcc) %s, libbcc %s\n", tool, CBCC_VERSION, LIBBCC_VERSION);
}
