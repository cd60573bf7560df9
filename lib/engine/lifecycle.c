#include "lifecycle.h"

#include <stdio.h>
#include <stdlib.h>

#include "drain.h"
#include "output.h"
#include "sysenv.h"

/* One run of a tool: its program, and the losses of its perf buffer. */
struct run {
	const struct lc_tool *t;
	volatile sig_atomic_t *stop;
	struct cbcc_bpf bpf;
	struct drain drain;
	unsigned long long lost;
	bool gone;     /* stdout's reader has gone */
	bool finished; /* the tool's done hook said so */
	struct cbcc_err err;
};

static void on_perf_event(void *cookie, void *data, int size)
{
	struct run *r = cookie;

	r->t->on_event(r->t->cookie, data, size);
}

static void on_perf_lost(void *cookie, uint64_t lost)
{
	struct run *r = cookie;

	if (r->t->on_lost) {
		r->t->on_lost(r->t->cookie, lost);
		return;
	}
	r->lost += lost;
	fprintf(stderr, "Possibly lost %llu samples\n", (unsigned long long)lost);
}

static int fail(struct run *r)
{
	if (*r->stop) { /* a signal cut the work short: nothing to report */
		rt_close(&r->bpf);
		return 0;
	}
	fprintf(stderr, "%s: %s\n", r->t->name, r->err.msg);
	fflush(stdout);
	rt_close(&r->bpf);
	return 1;
}

static int check(struct run *r)
{
	char warning[512];

	if (sysenv_check_tracing(r->t->pid, warning, sizeof(warning), &r->err))
		return -1;
	if (*warning)
		fprintf(stderr, "%s: warning: %s\n", r->t->name, warning);
	return 0;
}

/* The source, printed when asked; NULL on failure. */
static char *source(struct run *r)
{
	const struct lc_tool *t = r->t;
	char *src;

	if (t->build && t->build(t->cookie, &r->bpf, &r->err))
		return NULL;
	src = t->generate(t->cookie, &r->bpf, &r->err);
	if (src && (t->ebpf || t->verbose))
		fputs(src, t->source_to_stderr ? stderr : stdout);
	fflush(stdout);
	return src;
}

/* Compiles src, configures the program and attaches it everywhere. */
static int start(struct run *r, const char *src)
{
	const struct lc_tool *t = r->t;

	if (rt_compile(&r->bpf, src, t->verbose, &r->err) ||
	    (t->configure && t->configure(t->cookie, &r->bpf, &r->err)))
		return -1;
	if (t->perf_table && rt_open_perf(&r->bpf, t->perf_table, on_perf_event, on_perf_lost, r,
					  t->perf_pages, &r->err))
		return -1;
	return t->attach(t->cookie, &r->bpf, r->stop, &r->err);
}

/* One wait of up to ms: reads the perf buffer, notices a closed stdout,
 * serves what woke it. */
static int wait_once(struct run *r, int ms)
{
	const struct lc_tool *t = r->t;
	int fd = t->wake_fd ? t->wake_fd(t->cookie) : -1;

	if (t->perf_table) {
		if (rt_poll_fd(&r->bpf, ms, fd) < 0 && !*r->stop)
			return cbcc_errf(&r->err, "polling the perf buffer failed");
		ms = 0;
	}
	if ((!t->quiet && !output_flush()) || output_wait_fd(ms, !t->quiet, fd))
		r->gone = true;
	if (t->serve)
		t->serve(t->cookie);
	if (t->done && t->done(t->cookie))
		r->finished = true;
	return 0;
}

/* Waits until the monotonic clock reaches end, a stop signal or a closed stdout. */
static int wait_until(struct run *r, uint64_t end)
{
	int step = r->t->perf_table ? 100 : 200;

	while (!*r->stop && !r->gone && !r->finished) {
		uint64_t now = output_monotonic_ns();
		uint64_t left_ms = now < end ? (end - now) / 1000000 + 1 : 0;

		if (now >= end)
			break;
		if (wait_once(r, left_ms > (uint64_t)step ? step : (int)left_ms))
			return -1;
	}
	return 0;
}

static uint64_t seconds_ns(double s)
{
	return (uint64_t)(s * 1e9);
}

/* Waits out the intervals (on_interval at each end) or, without them, the
 * duration. */
static int loop(struct run *r)
{
	const struct lc_tool *t = r->t;
	uint64_t start = output_monotonic_ns();
	long seconds = 0;

	if (!t->interval)
		return wait_until(r,
				  t->duration > 0 ? start + seconds_ns(t->duration) : UINT64_MAX);
	for (;;) {
		bool last;

		if (wait_until(r, output_monotonic_ns() + seconds_ns((double)t->interval)))
			return -1;
		if (!*r->stop && !r->gone && !r->finished)
			seconds += t->interval;
		last = *r->stop || r->gone || r->finished ||
		       (t->duration > 0 && seconds >= t->duration);
		if (!t->on_interval(t->cookie, last) || last)
			return 0;
	}
}

static void end(struct run *r)
{
	const struct lc_tool *t = r->t;

	output_flush();
	if (t->announce_detach)
		rt_close_announced(&r->bpf);
	else
		rt_close(&r->bpf);
	if (t->finish)
		t->finish(t->cookie);
	if (r->lost)
		fprintf(stderr, "%s: %llu events lost in total\n", t->name, r->lost);
}

int lc_main(const struct lc_tool *t, volatile sig_atomic_t *stop)
{
	struct run r = {.t = t, .stop = stop};
	char *src;
	int rc;

	r.bpf.verbose = t->verbose; /* libbcc's own messages, from the first call on */
	r.bpf.no_cache = t->no_cache;
	if (!t->ebpf && check(&r))
		return fail(&r);
	src = source(&r);
	if (!src)
		return fail(&r);
	if (t->ebpf) {
		free(src);
		rt_close(&r.bpf);
		return 0;
	}
	rc = start(&r, src);
	free(src);
	if (rc)
		return fail(&r);
	if (t->drain)
		drain_arm(&r.drain, &r.bpf, stop);
	if (!*stop) {
		if (t->started && t->started(t->cookie, &r.bpf, &r.err))
			return fail(&r);
		if (!*stop && output_flush() && loop(&r))
			return fail(&r);
		if (*stop && t->drain && !r.finished) /* a signal: print what is buffered */
			drain_finish(&r.drain, t->name);
	}
	end(&r);
	return 0;
}
