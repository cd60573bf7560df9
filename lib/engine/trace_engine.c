#include "trace_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codegen.h"
#include "filters.h"
#include "json.h"
#include "lifecycle.h"
#include "output.h"
#include "strbuf.h"
#include "syms.h"
#include "tprobe.h"

/* -A: one distinct event text and how often it was seen. */
struct agg {
	char *text;
	unsigned long count;
};

/* One run of trace: its probes and what printing its events needs. */
struct tracer {
	const struct trace_opts *o;
	char **texts; /* the probe specs */
	int ntexts;
	struct tprobe *probes;
	int nprobes;
	struct probe_env penv;
	struct syms *syms;
	struct tprobe_stacks stacks; /* -K, -U */
	uint64_t first_ts;
	double first_real;
	unsigned long events;
	struct strbuf line;
	struct strbuf shown; /* a piece of line with control bytes escaped */
	struct json json;    /* --json: the event's line */
	struct agg *agg;
	int nagg;
	bool max_reached; /* -M: the rest is not printed */
};

/* -s: the files whose build IDs resolve user stacks. */
static int add_sym_files(struct tracer *t, struct cbcc_err *err)
{
	char *list = t->o->sym_files ? xstrdup(t->o->sym_files) : NULL, *save = NULL;
	int rc = 0;

	for (char *f = list ? strtok_r(list, ",", &save) : NULL; f && !rc;
	     f = strtok_r(NULL, ",", &save))
		if (syms_add_build_id_file(t->syms, f, err))
			rc = cbcc_err_wrap(err, "-s/--sym_file_list: ", "");
	free(list);
	return rc;
}

/* Parse, resolve and lay out every probe. */
static int build(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct tracer *t = cookie;
	const struct trace_opts *o = t->o;

	probe_env_init(&t->penv, b, (pid_t)o->tgid, o->common.unsafe, o->ebpf, o->common.kfunc,
		       o->verbose);
	t->syms = syms_new();
	if (add_sym_files(t, err))
		return -1;
	t->probes = xcalloc(t->ntexts, sizeof(struct tprobe));
	for (int i = 0; i < t->ntexts; i++, t->nprobes++)
		if (tprobe_build(&t->probes[i], t->texts[i], i + 1, &t->penv, o->string_size, err))
			return -1;
	return 0;
}

static char *generate(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct tracer *t = cookie;
	const struct trace_opts *o = t->o;
	struct gen_opts g = {
		.includes = o->includes,
		.nincludes = o->nincludes,
		.cgroup = o->cgroup != NULL,
		.bin_cmp = o->bin_cmp,
		.string_size = o->string_size,
		.kstack = o->kstack,
		.ustack = o->ustack,
		.ustack_build_id = o->sym_files != NULL,
	};

	return tprobes_generate(t->probes, t->nprobes, &g, b, err);
}

/* The filters, before any probe can fire; the clocks -t reads from. */
static int configure(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct tracer *t = cookie;
	const struct trace_opts *o = t->o;
	struct cbcc_filters f = {
		.self_tgid = o->include_self ? 0 : getpid(),
		.tgid = o->tgid,
		.tid = o->tid,
		.uid = o->uid,
	};
	struct timespec now;
	int n = 0;

	if (filters_configure(b, &f, err) || (o->cgroup && filters_set_cgroup(b, o->cgroup, err)))
		return -1;
	for (int i = 0; i < t->nprobes; i++)
		n += tprobe_nprogs(&t->probes[i]);
	if (rt_check_fds(n, n, true, err))
		return -1;
	t->first_ts = output_monotonic_ns();
	clock_gettime(CLOCK_REALTIME, &now);
	t->first_real = (double)now.tv_sec + now.tv_nsec * 1e-9;
	return 0;
}

static int attach(void *cookie, struct cbcc_bpf *b, volatile sig_atomic_t *stop,
		  struct cbcc_err *err)
{
	struct tracer *t = cookie;

	for (int i = 0; i < t->nprobes && !*stop; i++)
		if (tprobe_attach(&t->probes[i], &t->penv, err))
			return -1;
	return !*stop ? rt_usdt_attach(b, err) : 0;
}

/* The stack tables of -K/-U and their symbols. */
static void open_stacks(struct tracer *t, struct cbcc_bpf *b)
{
	const struct trace_opts *o = t->o;
	struct cbcc_err err;

	if (o->kstack) /* BPF frames are told by their kallsyms names */
		syms_prepare(t->syms, -1);
	t->stacks.syms = t->syms;
	t->stacks.address = o->address;
	t->stacks.fd = (o->kstack || (o->ustack && !o->sym_files))
			       ? rt_table_fd(b, TRACE_STACKS_TABLE, &err)
			       : -1;
	t->stacks.build_id_fd =
		o->ustack && o->sym_files ? rt_table_fd(b, TRACE_USTACKS_TABLE, &err) : -1;
	if (o->ustack && o->tgid)
		syms_prepare(t->syms, (int)o->tgid);
}

static void print_header(const struct tracer *t)
{
	const struct trace_opts *o = t->o;
	bool trivial = true;

	for (int i = 0; i < t->nprobes; i++)
		trivial = trivial && !t->probes[i].spec.format;
	if (o->common.json) {
		fprintf(stderr, "Tracing %d probe%s as JSON lines... Hit Ctrl-C to end.\n",
			t->nprobes, t->nprobes == 1 ? "" : "s");
		return;
	}
	if (o->timestamp || o->time)
		printf(o->unix_ts ? "%-17s " : "%-8s ", "TIME");
	if (o->print_cpu)
		printf("%-3s ", "CPU");
	printf("%-7s %-7s %-15s %-16s %s\n", "PID", "TID", "COMM", "FUNC", trivial ? "" : "-");
}

static int started(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct tracer *t = cookie;

	(void)err;
	open_stacks(t, b);
	print_header(t);
	return 0;
}

/* Appends s to t->line with its control bytes escaped. */
static void append_shown(struct tracer *t, const char *s)
{
	sb_append_escaped(&t->line, s, strlen(s));
}

static void format_stack(struct tracer *t, const struct tprobe *p, int stack_id, int pid)
{
	struct strbuf frames[TPROBE_MAX_FRAMES] = {0};
	size_t n = tprobe_stack_frames(p, &t->stacks, stack_id, pid, "%16llx ", frames);

	if (stack_id < 0)
		sb_printf(&t->line, "        %d\n", stack_id);
	for (size_t i = 0; i < n; i++) {
		sb_append(&t->line, "        ");
		append_shown(t, sb_str(&frames[i]));
		sb_append(&t->line, "\n");
		sb_free(&frames[i]);
	}
}

/* --json: the frames as an array of strings ("0x... sym" with -a). */
static void json_stack(struct tracer *t, const struct tprobe *p, const char *key, int stack_id,
		       int pid)
{
	struct strbuf frames[TPROBE_MAX_FRAMES] = {0};
	size_t n = tprobe_stack_frames(p, &t->stacks, stack_id, pid, "%llx ", frames);

	json_array(&t->json, key);
	for (size_t i = 0; i < n; i++) {
		json_str(&t->json, NULL, sb_str(&frames[i]));
		sb_free(&frames[i]);
	}
	json_close(&t->json);
}

static void format_time(struct tracer *t, uint64_t ts)
{
	const struct trace_opts *o = t->o;
	char buf[64];

	if (!o->timestamp && !o->time)
		return;
	if (o->timestamp) {
		double off = (double)(ts - t->first_ts) * 1e-9;

		snprintf(buf, sizeof(buf), "%.6f", o->unix_ts ? off + t->first_real : off);
	} else {
		output_hms(buf);
	}
	if (o->unix_ts)
		sb_printf(&t->line, "%-17.17s ", buf);
	else
		sb_printf(&t->line, "%-8.8s ", buf);
}

/* Builds the message of one event into msg (and with --json, the typed
 * values into t->json); false when -f filters it out. */
static bool format_message(struct tracer *t, const struct tprobe *p, const char *data,
			   const struct cbcc_event_hdr *h, struct strbuf *msg)
{
	const struct trace_opts *o = t->o;
	const struct fmt *f = &p->spec.fmt;
	struct fmt_value *vals = xcalloc(f->nconv + 1, sizeof(*vals));
	struct strbuf *texts = xcalloc(f->nconv + 1, sizeof(*texts));

	tprobe_decode(p, data, (int)h->tgid, o->string_size, t->syms, vals, texts);
	fmt_render(f, vals, msg);
	if (o->common.json) {
		json_str(&t->json, "message", sb_str(msg));
		tprobe_json_args(p, vals, &t->json);
	}
	for (int i = 0; i < f->nconv; i++)
		sb_free(&texts[i]);
	free(texts);
	free(vals);
	return !o->msg_filter || strstr(sb_str(msg), o->msg_filter);
}

static void aggregate(struct tracer *t, const char *text)
{
	for (int i = 0; i < t->nagg; i++)
		if (!strcmp(t->agg[i].text, text)) {
			t->agg[i].count++;
			return;
		}
	t->agg = xrealloc(t->agg, (t->nagg + 1) * sizeof(*t->agg));
	t->agg[t->nagg].text = xstrdup(text);
	t->agg[t->nagg++].count = 1;
}

static int by_count_desc(const void *a, const void *b)
{
	const struct agg *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static void print_aggregate(struct tracer *t)
{
	if (t->nagg > 1) /* t->agg is NULL without events */
		qsort(t->agg, t->nagg, sizeof(*t->agg), by_count_desc);
	for (int i = 0; i < t->nagg; i++)
		printf("%s-->COUNT %lu\n\n", t->agg[i].text, t->agg[i].count);
}

/* --json: the fields every event has, before its message and values. */
static void json_event_start(struct tracer *t, const struct tprobe *p,
			     const struct cbcc_event_hdr *h, const char *comm)
{
	double off = (double)(h->ts - t->first_ts) * 1e-9;
	char hms[16];

	output_hms(hms);
	json_begin(&t->json);
	json_fixed(&t->json, "timestamp", t->first_real + off, 6);
	json_fixed(&t->json, "offset", off, 9);
	json_str(&t->json, "time", hms);
	json_u64(&t->json, "cpu", h->cpu);
	json_u64(&t->json, "pid", h->tgid);
	json_u64(&t->json, "tid", h->pid);
	json_u64(&t->json, "uid", h->uid);
	json_str(&t->json, "comm", comm);
	json_str(&t->json, "probe", p->spec.raw);
	json_str(&t->json, "func", p->func);
}

static void json_event_end(struct tracer *t, const struct tprobe *p, const struct cbcc_event_hdr *h)
{
	if (t->o->kstack)
		json_stack(t, p, "kstack", h->kstack, -1);
	if (t->o->ustack)
		json_stack(t, p, "ustack", h->ustack, (int)h->tgid);
	json_end(&t->json);
	json_print(&t->json);
}

/* The columns of one event, its message and stacks into t->line. */
static void format_line(struct tracer *t, const struct tprobe *p, const struct cbcc_event_hdr *h,
			const char *comm, const struct strbuf *msg)
{
	const struct trace_opts *o = t->o;

	sb_reset(&t->line);
	format_time(t, h->ts);
	if (o->print_cpu)
		sb_printf(&t->line, "%-3u ", h->cpu);
	sb_printf(&t->line, "%-7u %-7u ", h->tgid, h->pid);
	sb_reset(&t->shown);
	sb_append_escaped(&t->shown, comm, strlen(comm));
	sb_printf(&t->line, "%-15s %-16s ", sb_str(&t->shown), p->func);
	append_shown(t, sb_str(msg));
	sb_append(&t->line, "\n");
	if (o->kstack)
		format_stack(t, p, h->kstack, -1);
	if (o->ustack)
		format_stack(t, p, h->ustack, (int)h->tgid);
}

/* Prints (or with -A counts) one event that passed -n and -f. */
static void print_event(struct tracer *t, const struct tprobe *p, const struct cbcc_event_hdr *h,
			const char *comm, const struct strbuf *msg)
{
	const struct trace_opts *o = t->o;

	if (o->common.json) { /* the message's text is in the JSON line */
		json_event_end(t, p, h);
		return;
	}
	format_line(t, p, h, comm, msg);
	if (o->aggregate) {
		aggregate(t, sb_str(&t->line));
		return;
	}
	fputs(sb_str(&t->line), stdout);
	if (o->kstack || o->ustack)
		fputc('\n', stdout);
}

static void on_event(void *cookie, void *data, int size)
{
	struct tracer *t = cookie;
	const struct trace_opts *o = t->o;
	struct cbcc_event_hdr h;
	struct strbuf msg = STRBUF_INIT;
	struct tprobe *p;
	char comm[17];

	if (t->max_reached || size < TRACE_EVENT_HDR_SIZE)
		return;
	memcpy(&h, data, sizeof(h));
	if ((int)h.probe >= t->nprobes || (size_t)size < t->probes[h.probe].size)
		return;
	p = &t->probes[h.probe];
	memcpy(comm, h.comm, 16);
	comm[16] = '\0';
	if (o->name && !strstr(comm, o->name))
		return;
	if (o->common.json)
		json_event_start(t, p, &h, comm);
	if (!format_message(t, p, data, &h, &msg)) { /* -f: not counted */
		sb_free(&msg);
		return;
	}
	print_event(t, p, &h, comm, &msg);
	sb_free(&msg);
	p->hits++;
	t->events++;
	if (o->max_events && t->events >= (unsigned long)o->max_events)
		t->max_reached = true;
}

static bool done(void *cookie)
{
	struct tracer *t = cookie;

	return t->max_reached;
}

/* -v: kernel functions that never fired. */
static void hint_silent_probes(const struct tracer *t)
{
	for (int i = 0; i < t->nprobes; i++) {
		char *hint = tprobe_silent_hint(&t->probes[i]);

		if (hint)
			fprintf(stderr, "%s: %s\n", cli_tool_name(), hint);
		free(hint);
	}
}

static void finish(void *cookie)
{
	struct tracer *t = cookie;

	if (t->o->aggregate)
		print_aggregate(t);
	if (t->o->verbose)
		hint_silent_probes(t);
}

static void free_tracer(struct tracer *t)
{
	for (int i = 0; i < t->nprobes; i++)
		tprobe_free(&t->probes[i]);
	free(t->probes);
	for (int i = 0; i < t->nagg; i++)
		free(t->agg[i].text);
	free(t->agg);
	syms_free(t->syms);
	sb_free(&t->line);
	sb_free(&t->shown);
	json_free(&t->json);
	probe_env_free(&t->penv);
}

int trace_main(const struct trace_opts *o, char **texts, int n, volatile sig_atomic_t *stop)
{
	struct tracer t = {.o = o, .texts = texts, .ntexts = n};
	struct lc_tool lc = {
		.name = cli_tool_name(),
		.cookie = &t,
		.pid = (pid_t)o->tgid,
		.ebpf = o->ebpf,
		.verbose = o->verbose,
		.source_to_stderr = o->common.json && !o->ebpf, /* stdout holds JSON only */
		.no_cache = o->common.no_cache,
		.perf_table = TRACE_EVENTS_TABLE,
		.perf_pages = o->pages,
		.on_event = on_event,
		.drain = true,
		.build = build,
		.generate = generate,
		.configure = configure,
		.attach = attach,
		.started = started,
		.done = done,
		.finish = finish,
	};
	int rc = lc_main(&lc, stop);

	free_tracer(&t);
	return rc;
}
