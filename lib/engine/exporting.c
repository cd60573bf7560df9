/* lc_main behind a --prometheus exporter (lifecycle.h). Apart from
 * lifecycle.c so that only the tools that serve metrics link libmicrohttpd. */
#include <stdio.h>

#include "lifecycle.h"
#include "prom.h"

int lc_main_exporting(const struct lc_tool *t, const char *addr, struct prom_exporter **prom,
		      volatile sig_atomic_t *stop)
{
	struct cbcc_err err;

	if (addr && prom_open(addr, t->name, prom, &err)) {
		if (*stop)
			return 0;
		fprintf(stderr, "%s: %s\n", t->name, err.msg);
		return 1;
	}
	return lc_main(t, stop);
}
