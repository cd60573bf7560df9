#include "snoop.h"

#include <bcc/libbpf.h>
#include <linux/bpf.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "codegen.h"
#include "output.h"
#include "strbuf.h"
#include "sysenv.h"

static char *source(const char *name, const struct tvar *vars, int nvars, struct cbcc_err *err)
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

static int attach(struct cbcc_bpf *b, const struct snoop_tp *tps, int n,
		  volatile sig_atomic_t *stop, struct cbcc_err *err)
{
	for (int i = 0; i < n && !*stop; i++) {
		int fd;

		if (tps[i].optional && !sysenv_tracepoint_exists(tps[i].category, tps[i].event))
			continue;
		fd = rt_load(b, tps[i].fn, BPF_PROG_TYPE_TRACEPOINT, err);
		if (fd < 0 || rt_attach_tracepoint(b, fd, tps[i].category, tps[i].event, err))
			return -1;
	}
	return 0;
}

/* The running tool: its events, and the losses counted and reported as
 * they happen. */
struct run {
	const struct snoop_tool *t;
	struct cbcc_bpf bpf;
	unsigned long long lost;
};

static void on_perf_event(void *cookie, void *data, int size)
{
	struct run *r = cookie;

	r->t->on_event(r->t->cookie, data, size);
}

static void on_perf_lost(void *cookie, uint64_t lost)
{
	struct run *r = cookie;

	r->lost += lost;
	fprintf(stderr, "Possibly lost %llu samples\n", (unsigned long long)lost);
}

/* Polls until *stop, stdout closes or duration_s seconds (0: no limit) pass. */
static int loop(struct cbcc_bpf *b, volatile sig_atomic_t *stop, double duration_s,
		struct cbcc_err *err)
{
	uint64_t end = output_monotonic_ns() + (uint64_t)(duration_s * 1e9);

	while (!*stop) {
		if (rt_poll(b, 100) < 0 && !*stop)
			return cbcc_errf(err, "polling the perf buffer failed");
		if (output_reader_gone())
			break;
		if (duration_s > 0 && output_monotonic_ns() >= end)
			break;
	}
	return 0;
}

bool snoop_parse_uid(const char *arg, long *uid)
{
	struct passwd *pw;

	if (parse_long(arg, uid))
		return *uid >= 0 && *uid <= CLI_MAX_UID;
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

static int fail(struct run *r, const char *msg)
{
	fprintf(stderr, "%s: %s\n", r->t->name, msg);
	fflush(stdout);
	rt_close(&r->bpf);
	return 1;
}

/* Compiles src, configures the program and attaches it everywhere. */
static int start(struct run *r, const char *src, volatile sig_atomic_t *stop, struct cbcc_err *err)
{
	const struct snoop_tool *t = r->t;

	r->bpf.no_cache = t->no_cache;
	if (rt_compile(&r->bpf, src, false, err) || t->configure(&r->bpf, t->cookie, err) ||
	    rt_check_fds(t->ntps, t->ntps, true, err) ||
	    rt_open_perf(&r->bpf, "snoop_events", on_perf_event, on_perf_lost, r, t->pages, err))
		return -1;
	return attach(&r->bpf, t->tps, t->ntps, stop, err);
}

int snoop_main(const struct snoop_tool *t, volatile sig_atomic_t *stop)
{
	static struct run r; /* the perf callbacks' cookie: lives to the end */
	struct cbcc_err err;
	char warning[512];
	char *src = source(t->template, t->vars, t->nvars, &err);
	int rc;

	r.t = t;
	if (!src)
		return fail(&r, err.msg);
	if (t->ebpf) {
		fputs(src, stdout);
		free(src);
		return 0;
	}
	if (sysenv_check_tracing((pid_t)t->pid, warning, sizeof(warning), &err)) {
		free(src);
		return fail(&r, err.msg);
	}
	if (*warning)
		fprintf(stderr, "%s: warning: %s\n", t->name, warning);
	rc = start(&r, src, stop, &err);
	free(src);
	if (rc)
		return fail(&r, err.msg);
	if (!*stop) {
		t->header(t->cookie);
		if (output_flush() && loop(&r.bpf, stop, t->duration, &err))
			return fail(&r, err.msg);
	}
	output_flush();
	rt_close(&r.bpf);
	if (t->finish)
		t->finish(t->cookie);
	if (r.lost)
		fprintf(stderr, "%s: %llu events lost in total\n", t->name, r.lost);
	return 0;
}
