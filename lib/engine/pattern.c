#include "pattern.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "filters.h"
#include "lifecycle.h"
#include "output.h"

bool pattern_option(int c, const char *arg, struct pattern_opts *o)
{
	switch (c) {
	case 'p':
		o->pid = cli_number_arg("-p/--pid", arg, CLI_PID);
		return true;
	case 'c':
		o->cpu = cli_number_arg("-c/--cpu", arg, CLI_CPU);
		return true;
	case 'i':
		o->interval = cli_number_arg("-i/--interval", arg, CLI_SECONDS);
		return true;
	case 'T':
		o->timestamp = true;
		return true;
	case 'r':
		o->regexp = true;
		return true;
	default:
		return false;
	}
}

void pattern_positional(int argc, char **argv, struct pattern_opts *o)
{
	if (optind >= argc)
		cli_usage_exit("the following arguments are required: pattern%s", "");
	if (argc - optind > 1)
		cli_usage_exit("unrecognized arguments: %s", argv[optind + 1]);
	o->pattern = argv[optind];
}

void pattern_options_done(struct pattern_opts *o)
{
	cli_common_done(&o->common);
	if (o->duration && !o->interval)
		o->interval = o->duration;
	if (!o->interval)
		o->interval = PATTERN_FOREVER;
}

/* The engine's state for the lifecycle's hooks. */
struct engine {
	const struct pattern_tool *t;
	struct pattern *p;
};

static int build(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct engine *e = cookie;
	const struct pattern_opts *o = e->t->o;
	struct pattern *p = e->p;
	struct wc_plan_opts po = {
		.kfunc = o->common.kfunc,
		.no_multi = o->common.no_multi,
		.by_syscall_nr = e->t->by_syscall_nr,
		.tool = e->t->name,
		.verbose = o->debug,
	};

	if (wc_find_probes(b, o->pattern, o->regexp, (pid_t)o->pid, e->t->fn_prefix, &p->pat,
			   &p->probes, &p->fn_names, err))
		return -1;
	p->first_fn = xstrdup(p->fn_names[0]);
	return wc_plan(&p->pat, &p->probes, &po, p->fn_names, &p->plan, err);
}

/* The tool's program after libbcc's USDT argument readers. */
static char *generate(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct engine *e = cookie;

	return rt_usdt_program(b, e->t->generate(e->t->cookie, e->p, err));
}

static void on_event(void *cookie, void *data, int size)
{
	struct engine *e = cookie;

	e->t->on_event(e->t->cookie, data, size);
}

static void on_lost(void *cookie, uint64_t lost)
{
	struct engine *e = cookie;

	e->t->on_lost(e->t->cookie, lost);
}

static int configure(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct engine *e = cookie;
	struct cbcc_filters f = {.self_tgid = getpid(), .tgid = e->t->o->pid, .uid = -1};

	if (filters_configure(b, &f, err) || map_open(b, e->t->counts_table, &e->p->counts, err))
		return -1;
	return e->t->configure ? e->t->configure(e->t->cookie, e->p, b, err) : 0;
}

static int attach(void *cookie, struct cbcc_bpf *b, volatile sig_atomic_t *stop,
		  struct cbcc_err *err)
{
	struct engine *e = cookie;
	const struct pattern_tool *t = e->t;
	struct pattern *p = e->p;
	char **single = p->fn_names;
	struct wc_progs progs = {NULL, t->one_prog ? p->first_fn : t->multi, t->sys_enter,
				 t->sys_exit};
	int rc;

	(void)stop; /* wc_attach_all stops on a signal itself */
	if (t->one_prog) {
		single = xcalloc(p->probes.n, sizeof(char *));
		for (int i = 0; i < p->probes.n; i++)
			single[i] =
				wc_plan_is(&p->plan, i, WC_FENTRY) ? p->fn_names[i] : p->first_fn;
	}
	progs.single = single;
	rc = wc_attach_all(b, &p->pat, &p->probes, &p->plan, &progs, (pid_t)t->o->pid, t->name,
			   &p->attached, err);
	if (single != p->fn_names)
		free(single);
	return rc;
}

static int started(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct engine *e = cookie;
	const struct pattern_opts *o = e->t->o;
	bool to_stderr = e->t->banner_stderr || o->common.json || o->common.quiet;

	(void)b;
	if (e->p->prom && e->t->exporter(e->t->cookie, e->p, err))
		return -1;
	fprintf(to_stderr ? stderr : stdout,
		"Tracing %d functions for \"%s\"... Hit Ctrl-C to end.\n", e->p->probes.n,
		o->pattern);
	return 0;
}

static int wake_fd(void *cookie)
{
	struct engine *e = cookie;

	return prom_fd(e->p->prom);
}

static void serve(void *cookie)
{
	struct engine *e = cookie;

	prom_serve(e->p->prom);
}

static bool on_interval(void *cookie, bool last)
{
	struct engine *e = cookie;
	const struct pattern_opts *o = e->t->o;

	if (!o->common.quiet)
		e->t->print(e->t->cookie, e->p);
	if (last && !e->t->no_detach_line)
		fputs("Detaching...\n", o->common.json || o->common.quiet ? stderr : stdout);
	return output_flush();
}

static void finish(void *cookie)
{
	struct engine *e = cookie;
	struct pattern *p = e->p;

	prom_close(p->prom);
	if (e->t->finish)
		e->t->finish(e->t->cookie);
	free_strv(p->fn_names, p->probes.n);
	free(p->first_fn);
	wc_plan_free(&p->plan);
	wc_list_free(&p->probes);
	wc_pattern_free(&p->pat);
}

int pattern_main(const struct pattern_tool *t, struct pattern *p, volatile sig_atomic_t *stop)
{
	const struct pattern_opts *o = t->o;
	struct engine e = {t, p};
	struct lc_tool lc = {
		.name = t->name,
		.cookie = &e,
		.pid = (pid_t)o->pid,
		.verbose = o->debug,
		.source_to_stderr = o->common.json, /* stdout holds JSON only */
		.no_cache = o->common.no_cache,
		.quiet = o->common.quiet,
		.announce_detach = true,
		.duration = (double)o->duration,
		.interval = o->interval,
		.perf_table = t->perf_table,
		.perf_pages = 8,
		.on_event = t->on_event ? on_event : NULL,
		.on_lost = t->on_lost ? on_lost : NULL,
		.build = build,
		.generate = generate,
		.configure = configure,
		.attach = attach,
		.started = started,
		.wake_fd = wake_fd,
		.serve = serve,
		.on_interval = on_interval,
		.finish = finish,
	};
	return lc_main_exporting(&lc, o->common.prometheus, &p->prom, stop);
}
