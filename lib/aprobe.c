#include "aprobe.h"

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
	if (probe_resolve(e->bpf, &p->spec.loc, e->pid, p->name, e->unsafe, &p->res, err) ||
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
	return probe_program(bpf, src);
}

int aprobe_open_maps(struct aprobe *p, struct cbcc_bpf *bpf, struct cbcc_err *err)
{
	bool hist = p->spec.kind == ARGDIST_HIST;
	char *name = xasprintf("%s_%s", p->name, hist ? "hist" : "hash");
	char *sum = xasprintf("%s_sum", p->name);
	int rc = map_open(bpf, name, &p->map, err);

	if (!rc && hist)
		rc = map_open(bpf, sum, &p->sum, err);
	free(name);
	free(sum);
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
	memset(p, 0, sizeof(*p));
}
