#include "snoop.h"

#include <bcc/libbpf.h>
#include <linux/bpf.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "codegen.h"
#include "output.h"
#include "strbuf.h"
#include "sysenv.h"

char *snoop_source(const char *name, const struct tvar *vars, int nvars, struct cbcc_err *err)
{
	struct gen_opts o = {0};
	struct strbuf src = STRBUF_INIT;

	if (codegen_prelude(&src, &o, NULL, 0, err)) {
		sb_free(&src);
		return NULL;
	}
	template_render(&src, name, vars, nvars);
	return sb_steal(&src);
}

bool snoop_tp_exists(const char *category, const char *event)
{
	char *path = xasprintf("%s/events/%s/%s", sysenv_tracefs(), category, event);
	bool ok = access(path, F_OK) == 0;

	free(path);
	return ok;
}

int snoop_attach(struct cbcc_bpf *b, const struct snoop_tp *tps, int n, volatile sig_atomic_t *stop,
		 struct cbcc_err *err)
{
	for (int i = 0; i < n && !*stop; i++) {
		int fd;

		if (tps[i].optional && !snoop_tp_exists(tps[i].category, tps[i].event))
			continue;
		fd = rt_load(b, tps[i].fn, BPF_PROG_TYPE_TRACEPOINT, err);
		if (fd < 0 || rt_attach_tracepoint(b, fd, tps[i].category, tps[i].event, err))
			return -1;
	}
	return 0;
}

static void on_perf_event(void *cookie, void *data, int size)
{
	struct snoop_perf *p = cookie;

	p->on_event(p->cookie, data, size);
}

static void on_perf_lost(void *cookie, uint64_t lost)
{
	struct snoop_perf *p = cookie;

	p->lost += lost;
	fprintf(stderr, "Possibly lost %llu samples\n", (unsigned long long)lost);
}

int snoop_open_perf(struct cbcc_bpf *b, const char *table, struct snoop_perf *p, int pages,
		    struct cbcc_err *err)
{
	return rt_open_perf(b, table, on_perf_event, on_perf_lost, p, pages, err);
}

int snoop_loop(struct cbcc_bpf *b, volatile sig_atomic_t *stop, double duration_s,
	       struct cbcc_err *err)
{
	uint64_t end = output_monotonic_ns() + (uint64_t)(duration_s * 1e9);

	while (!*stop) {
		if (rt_poll(b, 100) < 0 && !*stop)
			return cbcc_errf(err, "polling the perf buffer failed");
		/* the reader of stdout has gone: a write failed, or, while no
		 * events come, poll says so */
		if (!output_flush() || output_wait_closed(0))
			break;
		if (duration_s > 0 && output_monotonic_ns() >= end)
			break;
	}
	return 0;
}

void snoop_report_lost(const struct snoop_perf *p)
{
	if (p->lost)
		fprintf(stderr, "%s: %llu events lost in total\n", p->tool, p->lost);
}

bool snoop_parse_uid(const char *arg, long *uid)
{
	struct passwd *pw;

	if (parse_long(arg, uid))
		return *uid >= 0;
	pw = getpwnam(arg);
	if (!pw)
		return false;
	*uid = (long)pw->pw_uid;
	return true;
}

int snoop_set_config(struct cbcc_bpf *b, const char *name, const void *bytes, struct cbcc_err *err)
{
	int zero = 0, fd = rt_table_fd(b, name, err);

	if (fd < 0 || bpf_update_elem(fd, &zero, (void *)bytes, 0) < 0)
		return cbcc_errf(err, "cannot configure the BPF program (%s)", name);
	return 0;
}
