#include "argdist_engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "aprobe.h"
#include "filters.h"
#include "json.h"
#include "lifecycle.h"
#include "maps.h"
#include "output.h"
#include "prom.h"
#include "strbuf.h"

/* One run of argdist: its probes and what printing an interval needs. */
struct argdist {
	const struct argdist_opts *o;
	struct aprobe *probes;
	int nprobes;
	struct probe_env penv;
	struct cbcc_map dropped;
	struct strbuf out;
	struct json json;	    /* --json: the interval's line */
	struct prom_exporter *prom; /* --prometheus */
	uint64_t *drops_shown;	    /* with it: the drop totals at the last interval */
	long printed;		    /* intervals printed, for -n */
};

/* BCC's order: every -C probe, then every -H probe. */
static int build_probes(struct argdist *a, struct cbcc_err *err)
{
	const struct argdist_opts *o = a->o;

	a->probes = xcalloc(o->ncount + o->nhist, sizeof(struct aprobe));
	for (int i = 0; i < o->ncount; i++, a->nprobes++)
		if (aprobe_build(&a->probes[i], o->count_specs[i], ARGDIST_COUNT, i + 1, &a->penv,
				 o->string_size, err))
			return -1;
	for (int i = 0; i < o->nhist; i++, a->nprobes++)
		if (aprobe_build(&a->probes[o->ncount + i], o->hist_specs[i], ARGDIST_HIST,
				 o->ncount + i + 1, &a->penv, o->string_size, err))
			return -1;
	return 0;
}

static int build(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct argdist *a = cookie;
	const struct argdist_opts *o = a->o;

	if (!o->ebpf && o->tid && kill((pid_t)o->tid, 0) < 0 && errno == ESRCH)
		return cbcc_errf(err, "thread %ld does not exist", o->tid);
	probe_env_init(&a->penv, b, (pid_t)o->pid, o->common.unsafe, o->ebpf, o->common.kfunc,
		       o->verbose);
	return build_probes(a, err);
}

static char *generate(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct argdist *a = cookie;
	struct gen_opts g = {
		.includes = a->o->includes,
		.nincludes = a->o->nincludes,
		.string_size = a->o->string_size,
	};

	return aprobes_generate(a->probes, a->nprobes, &g, b, err);
}

/* The filters and the maps, before any probe can fire. */
static int configure(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct argdist *a = cookie;
	const struct argdist_opts *o = a->o;
	struct cbcc_filters f = {.self_tgid = getpid(), .tgid = o->pid, .tid = o->tid, .uid = -1};

	if (filters_configure(b, &f, err) || map_open(b, "cbcc_dropped", &a->dropped, err))
		return -1;
	for (int i = 0; i < a->nprobes; i++)
		if (aprobe_open_maps(&a->probes[i], b, a->prom != NULL, err))
			return -1;
	if (a->prom)
		a->drops_shown = xcalloc((size_t)a->nprobes, sizeof(uint64_t));
	return 0;
}

static int attach(void *cookie, struct cbcc_bpf *b, volatile sig_atomic_t *stop,
		  struct cbcc_err *err)
{
	struct argdist *a = cookie;
	int n = 0;

	for (int i = 0; i < a->nprobes; i++)
		n += aprobe_nprogs(&a->probes[i]);
	if (rt_check_fds(n, n, false, err))
		return -1;
	for (int i = 0; i < a->nprobes && !*stop; i++)
		if (aprobe_attach(&a->probes[i], &a->penv, err))
			return -1;
	return !*stop ? rt_usdt_attach(b, err) : 0;
}

/* --prometheus: a scrape reads the maps as they are. */
static void collect(void *ctx, struct prom_stats *stats)
{
	struct argdist *a = ctx;
	uint64_t *drops = xcalloc((size_t)a->nprobes, sizeof(uint64_t));

	map_array_read_u64(&a->dropped, drops, a->nprobes);
	for (int i = 0; i < a->nprobes; i++) {
		aprobe_collect(&a->probes[i]);
		stats->lost_events += drops[i];
	}
	free(drops);
	stats->probes_attached = (uint64_t)a->nprobes;
}

static int started(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct argdist *a = cookie;

	(void)b;
	if (!a->prom)
		return 0;
	for (int i = 0; i < a->nprobes; i++)
		if (aprobe_declare_metric(&a->probes[i], prom_registry(a->prom), i + 1, err))
			return -1;
	return prom_start(a->prom, collect, a, err);
}

static int wake_fd(void *cookie)
{
	struct argdist *a = cookie;

	return prom_fd(a->prom);
}

static void serve(void *cookie)
{
	struct argdist *a = cookie;

	prom_serve(a->prom);
}

/* A full -C map cannot take new values: say how many were not counted. */
static void report_drops(const struct argdist *a, const uint64_t *drops)
{
	for (int i = 0; i < a->nprobes; i++)
		if (drops[i])
			fprintf(stderr,
				"%s: warning: probe '%s': %llu values not counted, its map is "
				"full (%zu entries)\n",
				cli_tool_name(), a->probes[i].spec.raw,
				(unsigned long long)drops[i], a->probes[i].map.max_entries);
}

static void display_probe(struct argdist *a, struct aprobe *p)
{
	struct aprobe_show show = {
		.cumulative = a->o->cumulative,
		.top = a->o->top,
		.json = a->o->common.json ? &a->json : NULL,
		.out = &a->out,
	};

	aprobe_display(p, &show);
}

static void print_json(struct argdist *a, const uint64_t *drops)
{
	struct json *j = &a->json;

	output_json_begin(j);
	json_array(j, "probes");
	for (int i = 0; i < a->nprobes; i++) {
		struct aprobe *p = &a->probes[i];

		json_object(j, NULL);
		json_str(j, "spec", p->spec.raw);
		if (p->spec.label)
			json_str(j, "label", p->spec.label);
		json_str(j, "kind", p->spec.kind == ARGDIST_HIST ? "histogram" : "counts");
		display_probe(a, p);
		json_u64(j, "dropped", drops[i]);
		json_close(j);
	}
	json_end(j);
	json_print(j);
}

static void print_interval(struct argdist *a)
{
	uint64_t *drops = xcalloc(a->nprobes, sizeof(uint64_t));
	char hms[16];

	map_array_read_since_u64(&a->dropped, drops, a->nprobes, a->drops_shown);
	if (a->o->common.json) {
		print_json(a, drops);
	} else {
		output_hms(hms);
		sb_reset(&a->out);
		sb_printf(&a->out, "[%s]\n", hms);
		for (int i = 0; i < a->nprobes; i++)
			display_probe(a, &a->probes[i]);
		fputs(sb_str(&a->out), stdout);
	}
	report_drops(a, drops);
	free(drops);
}

/* After a signal too: the last, partial interval. */
static bool on_interval(void *cookie, bool last)
{
	struct argdist *a = cookie;

	(void)last;
	if (!a->o->common.quiet)
		print_interval(a);
	if (!output_flush())
		return false;
	a->printed++;
	return !a->o->count || a->printed < a->o->count;
}

static void free_argdist(struct argdist *a)
{
	prom_close(a->prom);
	for (int i = 0; i < a->nprobes; i++)
		aprobe_free(&a->probes[i]);
	free(a->probes);
	free(a->drops_shown);
	sb_free(&a->out);
	json_free(&a->json);
	probe_env_free(&a->penv);
}

int argdist_main(const struct argdist_opts *o, volatile sig_atomic_t *stop)
{
	struct argdist a = {.o = o};
	struct lc_tool lc = {
		.name = cli_tool_name(),
		.cookie = &a,
		.pid = (pid_t)o->pid,
		.ebpf = o->ebpf,
		.verbose = o->verbose,
		.source_to_stderr = o->common.json && !o->ebpf, /* stdout holds JSON only */
		.no_cache = o->common.no_cache,
		.quiet = o->common.quiet,
		.duration = (double)o->duration,
		.interval = o->interval,
		.build = build,
		.generate = generate,
		.configure = configure,
		.attach = attach,
		.started = started,
		.wake_fd = wake_fd,
		.serve = serve,
		.on_interval = on_interval,
	};
	int rc;

	rc = lc_main_exporting(&lc, o->ebpf ? NULL : o->common.prometheus, &a.prom, stop);
	free_argdist(&a);
	return rc;
}
