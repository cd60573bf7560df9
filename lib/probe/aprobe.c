#include "aprobe.h"

#include "hist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_key_size(const struct aprobe *p, struct cbcc_err *err)
{
	size_t key_size = argdist_key_layout(&p->spec, p->string_size, NULL);

	if (p->spec.kind == ARGDIST_COUNT && key_size > ARGDIST_MAX_KEY)
		return cbcc_errf(err,
				 "its key needs %zu bytes, more than the %d the BPF stack allows; "
				 "use a smaller -z",
				 key_size, ARGDIST_MAX_KEY);
	return 0;
}

static int check_tp_fields(const struct aprobe *p, struct cbcc_err *err)
{
	const struct argdist_spec *s = &p->spec;

	if (probe_check_tp_fields(&s->loc, &p->res, s->raw, &s->filter, &s->filter_off, 1, err))
		return -1;
	return probe_check_tp_fields(&s->loc, &p->res, s->raw, s->exprs, s->expr_offs, s->nexprs,
				     err);
}

/* Kernel functions: fentry/fexit when it works, else kprobes; the entry
 * companion is chosen on its own. */
static int plan_kfuncs(struct aprobe *p, struct probe_env *e, struct cbcc_err *err)
{
	if (p->enter_name) {
		struct probe_loc entry = p->spec.loc;
		char *what = xasprintf("%s (entry)", p->spec.raw);
		int rc;

		entry.type = PROBE_ENTRY;
		rc = probe_kfunc_plan(e, &entry, what, &p->enter_kfunc, err);
		free(what);
		if (rc)
			return -1;
	}
	return probe_kfunc_plan(e, &p->spec.loc, p->spec.raw, &p->kfunc, err);
}

static void plan_gen(struct aprobe *p)
{
	p->gen.spec = &p->spec;
	p->gen.fn_name = p->name;
	p->gen.prog = p->kfunc.prog;
	p->gen.enter_prog = p->enter_kfunc.prog;
	p->gen.nargs = p->kfunc.prog ? p->kfunc.nargs : p->enter_kfunc.nargs;
	p->gen.usdt_argtypes = p->res.usdt_argtypes;
	p->gen.nusdt_args = p->res.nusdt_args;
	p->gen.tp_fields = p->res.fields;
	p->gen.ntp_fields = p->res.nfields;
}

static int build(struct aprobe *p, const char *text, enum argdist_kind kind, int n,
		 struct probe_env *e, int string_size, struct cbcc_err *err)
{
	memset(p, 0, sizeof(*p));
	p->string_size = string_size;
	if (argdist_spec_parse(text, kind, &p->spec, err))
		return probe_parse_err(err, text);
	if (check_key_size(p, err))
		return probe_err(err, text);
	p->offsets = xcalloc(p->spec.nexprs, sizeof(size_t));
	argdist_key_layout(&p->spec, string_size, p->offsets);
	p->display = xcalloc(p->spec.nexprs, sizeof(char *));
	for (int i = 0; i < p->spec.nexprs; i++)
		p->display[i] = argdist_display_expr(p->spec.exprs[i]);
	p->name = codegen_fn_name(&p->spec.loc, n);
	if (p->spec.needs_entry)
		p->enter_name = xasprintf("%s_enter", p->name);
	if (probe_resolve(e->bpf, e->facts, &p->spec.loc, e->pid, p->name, e->unsafe, &p->res,
			  err) ||
	    check_tp_fields(p, err) || plan_kfuncs(p, e, err))
		return probe_err(err, text);
	plan_gen(p);
	return 0;
}

int aprobe_build(struct aprobe *p, const char *text, enum argdist_kind kind, int n,
		 struct probe_env *e, int string_size, struct cbcc_err *err)
{
	int rc = build(p, text, kind, n, e, string_size, err);

	if (rc)
		aprobe_free(p);
	return rc;
}

int aprobe_nprogs(const struct aprobe *p)
{
	return 1 + (p->enter_name != NULL);
}

int aprobe_attach(const struct aprobe *p, struct probe_env *e, struct cbcc_err *err)
{
	if (p->enter_name) {
		struct probe_loc entry = p->spec.loc;

		entry.type = PROBE_ENTRY;
		if (probe_base_attach(e, &entry, &p->res, p->enter_name, &p->enter_kfunc, err))
			return probe_err(err, p->spec.raw);
	}
	if (probe_base_attach(e, &p->spec.loc, &p->res, p->name, &p->kfunc, err))
		return probe_err(err, p->spec.raw);
	return 0;
}

char *aprobes_generate(const struct aprobe *probes, int n, const struct gen_opts *o,
		       struct cbcc_bpf *bpf, struct cbcc_err *err)
{
	struct argdist_gen_probe *gp = xcalloc(n, sizeof(*gp));
	char *src;

	for (int i = 0; i < n; i++)
		gp[i] = probes[i].gen;
	src = codegen_argdist(gp, n, o, err);
	free(gp);
	return rt_usdt_program(bpf, src);
}

int aprobe_open_maps(struct aprobe *p, struct cbcc_bpf *bpf, bool keep, struct cbcc_err *err)
{
	bool hist = p->spec.kind == ARGDIST_HIST;
	char *name = xasprintf("%s_%s", p->name, hist ? "hist" : "hash");
	char *sum = xasprintf("%s_sum", p->name);
	int rc = map_open(bpf, name, &p->map, err);

	if (!rc && hist)
		rc = map_open(bpf, sum, &p->sum, err);
	free(name);
	free(sum);
	p->keep = keep;
	p->interval.keep = keep;
	return rc;
}

bool aprobe_counts_calls(const struct aprobe *p)
{
	return p->spec.default_expr && p->spec.loc.type != PROBE_RETURN;
}

void aprobe_format_value(const struct aprobe *p, int i, const char *key, bool raw,
			 struct strbuf *out)
{
	const char *v = key + p->offsets[i];
	uint64_t num;

	if (argdist_type_is_string(p->spec.types[i])) {
		size_t n = strnlen(v, (size_t)p->string_size);

		if (raw)
			sb_appendn(out, v, n);
		else
			sb_append_escaped(out, v, n);
		return;
	}
	memcpy(&num, v, sizeof(num));
	if (argdist_type_is_signed(p->spec.types[i]))
		sb_printf(out, "%lld", (long long)num);
	else
		sb_printf(out, "%llu", (unsigned long long)num);
}

void aprobe_format_key(const struct aprobe *p, const char *key, struct strbuf *out)
{
	if (aprobe_counts_calls(p)) {
		sb_append(out, "total calls");
		return;
	}
	if (p->spec.default_expr) {
		sb_append(out, "retval = ");
		aprobe_format_value(p, 0, key, false, out);
		return;
	}
	for (int i = 0; i < p->spec.nexprs; i++) {
		sb_printf(out, "%s%s = ", i ? ", " : "", p->display[i]);
		aprobe_format_value(p, i, key, false, out);
	}
}

void aprobe_json_key(const struct aprobe *p, const char *key, struct json *j)
{
	if (aprobe_counts_calls(p))
		return;
	if (p->spec.nexprs > 1)
		json_array(j, "key");
	for (int i = 0; i < p->spec.nexprs; i++) {
		const char *name = p->spec.nexprs > 1 ? NULL : "key", *v = key + p->offsets[i];
		uint64_t num;

		if (argdist_type_is_string(p->spec.types[i])) {
			json_strn(j, name, v, strnlen(v, (size_t)p->string_size));
			continue;
		}
		memcpy(&num, v, sizeof(num));
		if (argdist_type_is_signed(p->spec.types[i]))
			json_i64(j, name, (int64_t)num);
		else
			json_u64(j, name, num);
	}
	if (p->spec.nexprs > 1)
		json_close(j);
}

struct row {
	const char *key;
	uint64_t count;
};

/* Ascending by count, as BCC sorts; ties in key order so output is stable. */
static int by_count(const void *x, const void *y, void *key_size)
{
	const struct row *a = x, *b = y;

	if (a->count != b->count)
		return a->count < b->count ? -1 : 1;
	return memcmp(a->key, b->key, *(size_t *)key_size);
}

static void display_count(struct aprobe *p, const struct aprobe_show *v)
{
	struct map_snapshot snap;
	struct row *rows;
	size_t first = 0;

	if (v->cumulative)
		map_snapshot_read(&p->map, &snap);
	else
		map_interval_read(&p->map, &p->interval, &snap);
	rows = xcalloc(snap.n ? snap.n : 1, sizeof(*rows));
	for (size_t i = 0; i < snap.n; i++) {
		rows[i].key = snap.keys + i * p->map.key_size;
		memcpy(&rows[i].count, snap.values + i * p->map.value_size, sizeof(uint64_t));
	}
	qsort_r(rows, snap.n, sizeof(*rows), by_count, &p->map.key_size);
	if (v->top > 0 && snap.n > (size_t)v->top)
		first = snap.n - (size_t)v->top;
	if (v->json)
		json_array(v->json, "entries");
	else
		sb_printf(v->out, "%s\n\t%-10s %s\n", p->spec.label ? p->spec.label : p->spec.raw,
			  "COUNT", "EVENT");
	for (size_t i = first; i < snap.n; i++) {
		if (v->json) {
			json_object(v->json, NULL);
			aprobe_json_key(p, rows[i].key, v->json);
			json_u64(v->json, "count", rows[i].count);
			json_close(v->json);
			continue;
		}
		sb_printf(v->out, "\t%-10llu ", (unsigned long long)rows[i].count);
		aprobe_format_key(p, rows[i].key, v->out);
		sb_append(v->out, "\n");
	}
	if (v->json)
		json_close(v->json);
	free(rows);
	map_snapshot_free(&snap);
}

static void display_hist(struct aprobe *p, const struct aprobe_show *v)
{
	uint64_t vals[HIST_LOG2_SLOTS];
	const char *label = p->spec.label;

	if (!label)
		label = p->spec.default_expr ? "retval" : p->display[0];
	if (v->cumulative)
		map_array_read_u64(&p->map, vals, HIST_LOG2_SLOTS);
	else
		map_array_read_since_u64(&p->map, vals, HIST_LOG2_SLOTS, p->keep ? p->shown : NULL);
	if (v->json)
		hist_log2_json(v->json, "buckets", vals, HIST_LOG2_SLOTS);
	else
		hist_log2_format(v->out, vals, HIST_LOG2_SLOTS, label);
}

void aprobe_display(struct aprobe *p, const struct aprobe_show *v)
{
	if (p->spec.kind == ARGDIST_HIST)
		display_hist(p, v);
	else
		display_count(p, v);
}

/* --prometheus: a -C probe's counts, one label per expression. */
static void collect_counts(const struct aprobe *p)
{
	int nlabels = aprobe_counts_calls(p) ? 0 : p->spec.nexprs;
	struct strbuf *vals = xcalloc((size_t)p->spec.nexprs, sizeof(*vals));
	const char **ptrs = xcalloc((size_t)p->spec.nexprs, sizeof(char *));
	struct map_snapshot snap;

	map_snapshot_read(&p->map, &snap);
	for (size_t k = 0; k < snap.n; k++) {
		const char *key = snap.keys + k * p->map.key_size;
		uint64_t count;

		for (int i = 0; i < nlabels; i++) {
			sb_reset(&vals[i]);
			aprobe_format_value(p, i, key, true, &vals[i]);
			ptrs[i] = sb_str(&vals[i]);
		}
		memcpy(&count, snap.values + k * p->map.value_size, sizeof(count));
		prom_add(p->metric, ptrs, count);
	}
	map_snapshot_free(&snap);
	for (int i = 0; i < p->spec.nexprs; i++)
		sb_free(&vals[i]);
	free(vals);
	free(ptrs);
}

/* --prometheus: a -H probe's histogram and sum. */
static void collect_hist(const struct aprobe *p)
{
	uint64_t slots[HIST_LOG2_SLOTS], sum;

	map_array_read_u64(&p->map, slots, HIST_LOG2_SLOTS);
	map_array_read_u64(&p->sum, &sum, 1);
	prom_add_hist(p->metric, NULL, slots, sum, argdist_type_is_signed(p->spec.types[0]));
}

void aprobe_collect(const struct aprobe *p)
{
	if (p->spec.kind == ARGDIST_HIST)
		collect_hist(p);
	else
		collect_counts(p);
}

/* A -H probe of $latency: nanoseconds, exposed in seconds. */
static bool in_seconds(const struct aprobe *p)
{
	return p->spec.kind == ARGDIST_HIST && !strcmp(p->spec.exprs[0], "$latency");
}

/* cbcc_argdist_NAME: NAME from the probe's label, else its function (and,
 * for -H, its expression), "_seconds" for $latency. */
static char *metric_name(const struct aprobe *p)
{
	char *text = p->spec.label ? xstrdup(p->spec.label)
		     : p->spec.kind == ARGDIST_COUNT
			     ? xstrdup(p->spec.loc.function)
			     : xasprintf("%s %s", p->spec.loc.function, p->display[0]);
	char *base = prom_name(text), *name;
	size_t len;

	free(text);
	if (!base)
		base = xstrdup("probe");
	len = strlen(base);
	if (p->spec.kind == ARGDIST_COUNT && len > 6 && !strcmp(base + len - 6, "_total"))
		base[len - 6] = '\0'; /* the counter's suffix comes anyway */
	if (in_seconds(p)) {
		text = prom_seconds_name(base);
		free(base);
		base = text;
	}
	name = xasprintf("cbcc_argdist_%s", base);
	free(base);
	return name;
}

int aprobe_declare_metric(struct aprobe *p, struct prom_registry *reg, int number,
			  struct cbcc_err *err)
{
	bool hist = p->spec.kind == ARGDIST_HIST;
	char *name = metric_name(p), **labels = NULL;
	char *help = xasprintf(hist ? "argdist -H '%s': distribution of its value%s."
				    : "argdist -C '%s': calls per value of its expressions.",
			       p->spec.raw, in_seconds(p) ? " in seconds" : "");
	int nlabels = 0;

	if (!hist && !aprobe_counts_calls(p)) {
		/* one label per expression; none when the probe counts calls */
		nlabels = p->spec.nexprs;
		labels = prom_label_names((const char *const *)p->display, nlabels);
	}
	for (int attempt = 0; !p->metric && attempt < 2; attempt++) {
		if (attempt) { /* the name is taken: number it */
			char *numbered = xasprintf("%s_%d", name, number);

			free(name);
			name = numbered;
		}
		p->metric = prom_family_new(reg, hist ? PROM_HISTOGRAM : PROM_COUNTER, name, help,
					    (const char *const *)labels, nlabels, err);
	}
	if (p->metric && in_seconds(p))
		prom_family_decimals(p->metric, 9);
	free_strv(labels, nlabels);
	free(name);
	free(help);
	return p->metric ? 0 : probe_err_as(err, "--prometheus: probe", p->spec.raw);
}

void aprobe_free(struct aprobe *p)
{
	for (int e = 0; e < p->spec.nexprs && p->display; e++)
		free(p->display[e]);
	free(p->display);
	argdist_spec_free(&p->spec);
	free(p->name);
	free(p->enter_name);
	probe_kfunc_free(&p->kfunc);
	probe_kfunc_free(&p->enter_kfunc);
	free(p->offsets);
	resolved_probe_free(&p->res);
	map_interval_free(&p->interval);
	memset(p, 0, sizeof(*p));
}
