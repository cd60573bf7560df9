#include "argcodegen.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csrc.h"
#include "expr.h"
#include "kfunc.h"
#include "probe_base.h"
#include "template.h"

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

size_t argdist_key_layout(const struct argdist_spec *s, int string_size, size_t *offsets)
{
	size_t off = 0;

	for (int i = 0; i < s->nexprs; i++) {
		if (offsets)
			offsets[i] = off;
		off += argdist_type_is_string(s->types[i]) ? round8((size_t)string_size + 1) : 8;
	}
	return off;
}

/* An expression, the filter or the default "1" of probe s, rewritten. */
static char *rewrite(const char *text, size_t at, const struct argdist_spec *s,
		     struct expr_env *env, struct cbcc_err *err)
{
	struct expr_src src = {text, s->raw, at};

	return expr_rewrite(&src, env, err);
}

/* Names of the parameters stashed at entry ($entry(name)), in signature order. */
static void entry_fields(const struct argdist_spec *s, struct strbuf *fields, struct strbuf *stash)
{
	sb_append(fields, "\tu64 __latency;\n");
	for (int i = 0; i < s->nparams; i++) {
		const char *name = s->params[i].name;
		bool used = expr_uses_entry_param(s->filter, name);

		for (int e = 0; e < s->nexprs && !used; e++)
			used = expr_uses_entry_param(s->exprs[e], name);
		if (!used)
			continue;
		sb_printf(fields, "\t%s ", s->params[i].type);
		csrc_ident(fields, name);
		sb_append(fields, ";\n");
		sb_printf(stash, "\t__e.%s = %s;\n", name, name);
	}
	sb_append(stash, "\t__e.__latency = bpf_ktime_get_ns();\n");
}

static void gen_entry(struct strbuf *out, const struct argdist_gen_probe *p, const char *index)
{
	struct strbuf fields = STRBUF_INIT, stash = STRBUF_INIT;
	struct probe_loc entry_loc = p->spec->loc;
	char *params, *prologue, *fn;

	entry_loc.type = PROBE_ENTRY;
	params = p->enter_prog ? kfunc_params() : codegen_params(&entry_loc, p->spec->signature);
	prologue = p->enter_prog ? kfunc_prologue(&entry_loc, p->nargs, p->spec->signature)
				 : xstrdup("");
	fn = p->enter_prog ? xstrdup(p->enter_prog) : xasprintf("%s_enter", p->fn_name);
	entry_fields(p->spec, &fields, &stash);
	{
		struct tvar vars[] = {
			{"INDEX", index},
			{"NAME", p->fn_name},
			{"FIELDS", sb_str(&fields)},
			{"PARAMS", params},
			{"STASH", sb_str(&stash)},
			{"FN", fn},
			{"PROLOGUE", prologue},
		};
		template_render(out, "argdist_entry.c", vars, ARRAY_SIZE(vars));
	}
	free(params);
	free(prologue);
	free(fn);
	sb_free(&fields);
	sb_free(&stash);
}

static void entry_lookup(struct strbuf *out, const char *name)
{
	struct tvar vars[] = {{"NAME", name}};

	template_render(out, "argdist_entry_lookup.c", vars, ARRAY_SIZE(vars));
}

/* Key fields and the statements filling them, for a -C probe. */
static int gen_key(const struct argdist_gen_probe *p, struct expr_env *env, int string_size,
		   struct strbuf *fields, struct strbuf *key, struct cbcc_err *err)
{
	const struct argdist_spec *s = p->spec;

	for (int i = 0; i < s->nexprs; i++) {
		char *c = rewrite(s->exprs[i], s->expr_offs[i], s, env, err);

		if (!c)
			return -1;
		if (argdist_type_is_string(s->types[i])) {
			/* up to -z characters and the NUL */
			sb_printf(fields, "\tchar v%d[%zu];\n", i, round8((size_t)string_size + 1));
			sb_printf(key,
				  "\tcbcc_read_str(&__key.v%d, %d, (const void *)(u64)(%s));\n", i,
				  string_size + 1, c);
		} else {
			sb_printf(fields, "\tu64 v%d;\n", i);
			sb_printf(key, "\t__key.v%d = (u64)(%s)(%s);\n", i, s->types[i], c);
		}
		free(c);
	}
	return 0;
}

static void render_probe(struct strbuf *out, const struct argdist_gen_probe *p, const char *index,
			 const char *usdt, const char *entry, const char *filter,
			 const char *fields, const char *key, const char *hist_expr)
{
	const struct argdist_spec *s = p->spec;
	const char *sig = s->loc.type == PROBE_ENTRY ? s->signature : NULL;
	char *params = p->prog ? kfunc_params() : codegen_params(&s->loc, sig);
	char *prologue = p->prog ? kfunc_prologue(&s->loc, p->nargs, sig)
				 : codegen_tp_prologue(&s->loc, p->tp_fields, p->ntp_fields,
						       s->filter, s->exprs, s->nexprs);
	char max[32];

	snprintf(max, sizeof(max), "%d", ARGDIST_MAX_ENTRIES);
	{
		struct tvar vars[] = {
			{"INDEX", index},	{"NAME", p->fn_name},
			{"PARAMS", params},	{"USDT_ARGS", usdt},
			{"ENTRY", entry},	{"FILTER", filter},
			{"FIELDS", fields},	{"KEY", key},
			{"MAX_ENTRIES", max},	{"TYPE", s->types[0]},
			{"EXPR", hist_expr},	{"FN", p->prog ? p->prog : p->fn_name},
			{"PROLOGUE", prologue},
		};
		template_render(out, s->kind == ARGDIST_HIST ? "argdist_hist.c" : "argdist_count.c",
				vars, ARRAY_SIZE(vars));
	}
	free(params);
	free(prologue);
}

static int gen_probe(struct strbuf *out, struct strbuf *helpers, int *helper_count,
		     const struct argdist_gen_probe *p, int index, const struct gen_opts *o,
		     struct cbcc_err *err)
{
	const struct argdist_spec *s = p->spec;
	struct strbuf usdt = STRBUF_INIT, entry = STRBUF_INIT, fields = STRBUF_INIT;
	struct strbuf key = STRBUF_INIT;
	struct expr_env env;
	char *filter = NULL, *hist_expr = NULL, idx[16];
	int rc = -1;

	snprintf(idx, sizeof(idx), "%d", index);
	codegen_env(&env, &s->loc, o, helpers, *helper_count);
	env.argdist = s;
	filter = s->filter ? rewrite(s->filter, s->filter_off, s, &env, err)
			   : rewrite("1", EXPR_NOWHERE, s, &env, err);
	if (!filter)
		goto out;
	if (s->kind == ARGDIST_HIST)
		hist_expr = rewrite(s->exprs[0], s->expr_offs[0], s, &env, err);
	else if (gen_key(p, &env, o->string_size, &fields, &key, err) == 0)
		hist_expr = xstrdup("");
	if (!hist_expr)
		goto out;
	if (codegen_usdt_reads(&usdt, env.usdt_args, &s->loc, p->usdt_argtypes, p->nusdt_args, err))
		goto out;
	*helper_count = env.helper_count;
	if (s->needs_entry) {
		gen_entry(out, p, idx);
		entry_lookup(&entry, p->fn_name);
	}
	render_probe(out, p, idx, sb_str(&usdt), sb_str(&entry), filter, sb_str(&fields),
		     sb_str(&key), hist_expr);
	rc = 0;
out:
	free(filter);
	free(hist_expr);
	sb_free(&usdt);
	sb_free(&entry);
	sb_free(&fields);
	sb_free(&key);
	return rc;
}

char *codegen_argdist(const struct argdist_gen_probe *probes, int n, const struct gen_opts *o,
		      struct cbcc_err *err)
{
	struct strbuf out = STRBUF_INIT, helpers = STRBUF_INIT, fns = STRBUF_INIT;
	char **texts = xcalloc(n, sizeof(char *));
	int helper_count = 0, rc;

	for (int i = 0; i < n; i++) {
		const struct argdist_spec *s = probes[i].spec;
		char *types = codegen_code_text(NULL, NULL, s->types, s->nexprs, NULL);
		char *code = codegen_code_text(
			probe_loc_is_kernel_function(&s->loc) ? s->loc.function : NULL,
			s->signature, s->exprs, s->nexprs, s->filter);

		texts[i] = xasprintf("%s %s", code, types);
		free(code);
		free(types);
	}
	rc = codegen_prelude(&out, o, texts, n, err);
	free_strv(texts, n);
	for (int i = 0; i < n && !rc; i++) {
		rc = gen_probe(&fns, &helpers, &helper_count, &probes[i], i, o, err);
		if (rc)
			probe_err(err, probes[i].spec->raw);
	}
	if (!rc) {
		char np[16];

		snprintf(np, sizeof(np), "%d", n);
		struct tvar vars[] = {{"NPROBES", np}, {"HELPERS", sb_str(&helpers)}};

		template_render(&out, "argdist_common.c", vars, ARRAY_SIZE(vars));
		sb_append(&out, sb_str(&fns));
	}
	sb_free(&helpers);
	sb_free(&fns);
	return sb_steal_if_ok(&out, rc);
}
