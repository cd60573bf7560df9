#include "codegen.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csrc.h"
#include "kfunc.h"
#include "ktypes.h"
#include "probe_base.h"
#include "sysenv.h"
#include "template.h"

/* BCC's auto-includes: a header is added when a keyword appears in a probe. */
static const struct {
	const char *header;
	const char *keywords[3];
} auto_includes[] = {
	{"linux/time.h", {"time"}},
	{"linux/fs.h", {"fs", "file"}},
	{"linux/blkdev.h", {"bio", "request"}},
	{"linux/slab.h", {"alloc"}},
	{"linux/netdevice.h", {"sk_buff", "net_device"}},
	{"linux/sched.h", {"$task", "task_struct"}},
};

char *codegen_fn_name(const struct probe_loc *loc, int n)
{
	return csrc_ident_from("probe_", probe_loc_display(loc), n);
}

static bool mentions(char *const *texts, int n, const char *word)
{
	for (int i = 0; i < n; i++)
		if (strstr(texts[i], word))
			return true;
	return false;
}

char *codegen_code_text(const char *function, const char *signature, char *const *pieces,
			int npieces, const char *last)
{
	struct strbuf sb = STRBUF_INIT;

	sb_printf(&sb, "%s %s", function ? function : "", signature ? signature : "");
	for (int i = 0; i < npieces; i++)
		sb_printf(&sb, " %s", pieces[i]);
	sb_printf(&sb, " %s", last ? last : "");
	return sb_steal(&sb);
}

/* Whether a resolved path may go between the quotes of #include "...":
 * printable ASCII without the quote, without what C leaves undefined there
 * (a quote, a backslash, two slashes, a slash and a star) and without '?'
 * (trigraphs). */
static bool include_path_ok(const char *path)
{
	for (const char *p = path; *p; p++)
		if (*p < 0x20 || *p > 0x7e || strchr("\"'\\?", *p) ||
		    (p[0] == '/' && (p[1] == '*' || p[1] == '/')))
			return false;
	return *path == '/';
}

static int include_line(struct strbuf *out, const char *inc, struct cbcc_err *err)
{
	char shown[PATH_MAX], resolved[PATH_MAX];

	printable_copy(shown, sizeof(shown), inc);
	if (inc[0] != '.' && inc[0] != '/') {
		if (!ktypes_header_name_ok(inc))
			return cbcc_errf(err, "invalid header name '%s' for -I", shown);
		sb_printf(out, "#include <%s>\n", inc);
		return 0;
	}
	if (!realpath(inc, resolved))
		return cbcc_errf(err, "header '%s' given with -I does not exist", shown);
	if (!include_path_ok(resolved)) {
		char real_shown[PATH_MAX];

		printable_copy(real_shown, sizeof(real_shown), resolved);
		return cbcc_errf(err,
				 "header '%s' given with -I is '%s', a path that cannot be "
				 "#included (quotes, backslashes, control characters)",
				 shown, real_shown);
	}
	sb_printf(out, "#include \"%s\"\n", resolved);
	return 0;
}

int codegen_prelude(struct strbuf *out, const struct gen_opts *o, char *const *texts, int ntexts,
		    struct cbcc_err *err)
{
	struct strbuf inc = STRBUF_INIT;
	int rc = 0;

	for (int i = 0; i < o->nincludes && !rc; i++)
		rc = include_line(&inc, o->includes[i], err);
	for (size_t i = 0; i < ARRAY_SIZE(auto_includes) && !rc; i++)
		for (int k = 0; k < 3 && auto_includes[i].keywords[k]; k++)
			if (mentions(texts, ntexts, auto_includes[i].keywords[k])) {
				sb_printf(&inc, "#include <%s>\n", auto_includes[i].header);
				break;
			}
	if (!rc) {
		struct tvar vars[] = {
			{"INCLUDES", sb_str(&inc)},
			{"CGROUP", o->cgroup ? "\nBPF_CGROUP_ARRAY(cbcc_cgroup, 1);\n" : ""},
		};
		template_render(out, "prelude.c", vars, ARRAY_SIZE(vars));
	}
	sb_free(&inc);
	return rc;
}

/* Whether text names args->name. */
static bool names_field(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text ? strstr(text, "args->") : NULL; p; p = strstr(p + 1, "args->"))
		if (!strncmp(p + 6, name, n) && !isalnum((unsigned char)p[6 + n]) &&
		    p[6 + n] != '_')
			return true;
	return false;
}

/* A pointer ("T *", not "T *const") and not an array. */
static bool assignable_pointer(const char *type)
{
	const char *star = strrchr(type, '*');

	return star && !strchr(type, '[') && !strstr(star, "const");
}

char *codegen_tp_prologue(const struct probe_loc *loc, const struct tp_field *fields, int nfields,
			  const char *predicate, char *const *exprs, int nexprs)
{
	struct strbuf out = STRBUF_INIT;

	if (loc->type != PROBE_TRACEPOINT)
		return xstrdup("");
	for (int i = 0; i < nfields; i++) {
		bool named = names_field(predicate, fields[i].name);

		for (int e = 0; e < nexprs && !named; e++)
			named = names_field(exprs[e], fields[i].name);
		if (named && !fields[i].common && assignable_pointer(fields[i].type) &&
		    is_c_identifier(fields[i].name))
			sb_printf(&out,
				  "\tif (0) /* for libbcc: an outside pointer */\n"
				  "\t\targs->%s = args->%s;\n",
				  fields[i].name, fields[i].name);
	}
	return sb_steal(&out);
}

char *codegen_params(const struct probe_loc *loc, const char *signature)
{
	if (loc->type == PROBE_TRACEPOINT) {
		struct strbuf sb = STRBUF_INIT;

		sb_append(&sb, "struct tracepoint__");
		csrc_ident(&sb, loc->category);
		sb_append(&sb, "__");
		csrc_ident(&sb, loc->function);
		sb_append(&sb, " *args");
		return sb_steal(&sb);
	}
	if (signature && *signature)
		return xasprintf("struct pt_regs *ctx, %s", signature);
	return xstrdup("struct pt_regs *ctx");
}

const char *codegen_ctx(const struct probe_loc *loc)
{
	return loc->type == PROBE_TRACEPOINT ? "args" : "ctx";
}

void codegen_env(struct expr_env *env, const struct probe_loc *loc, const struct gen_opts *o,
		 struct strbuf *helpers, int helper_base)
{
	memset(env, 0, sizeof(*env));
	env->type = loc->type;
	env->kernel = probe_loc_is_kernel_function(loc);
	env->syscall_wrapper =
		env->kernel && loc->type == PROBE_ENTRY && starts_with(loc->function, "__x64_sys_");
	env->bin_cmp = o->bin_cmp;
	env->ctx = codegen_ctx(loc);
	env->helpers = helpers;
	env->helper_count = helper_base;
}

int codegen_usdt_reads(struct strbuf *out, unsigned mask, const struct probe_loc *loc,
		       char *const *argtypes, int nargs, struct cbcc_err *err)
{
	for (int i = 0; i < 32; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (i >= nargs)
			return cbcc_errf(err,
					 "USDT probe '%s' has %d argument%s, arg%d does not exist",
					 loc->function, nargs, nargs == 1 ? "" : "s", i + 1);
		struct expr_src type = {argtypes[i], NULL, EXPR_NOWHERE};

		if (expr_check_type(&type, err))
			return cbcc_err_wrap(err, "USDT argument type: ", "");
		sb_printf(out, "\t%s __arg%d = 0;\n\tbpf_usdt_readarg(%d, ctx, &__arg%d);\n",
			  argtypes[i], i + 1, i + 1, i + 1);
	}
	return 0;
}

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

size_t trace_event_layout(const struct trace_spec *spec, int string_size, size_t *offsets)
{
	size_t off = TRACE_EVENT_HDR_SIZE;

	for (int i = 0; i < spec->fmt.nconv; i++) {
		if (offsets)
			offsets[i] = off;
		off += spec->fmt.convs[i].kind == CONV_STRING ? round8((size_t)string_size) : 8;
	}
	return off;
}

static void gen_struct(struct strbuf *out, const struct gen_probe *p, const struct gen_opts *o)
{
	sb_printf(out, "struct %s_data {\n\tstruct cbcc_event_hdr hdr;\n", p->fn_name);
	for (int i = 0; i < p->spec->fmt.nconv; i++) {
		if (p->spec->fmt.convs[i].kind == CONV_STRING)
			sb_printf(out, "\tchar v%d[%zu];\n", i, round8((size_t)o->string_size));
		else
			sb_printf(out, "\tu64 v%d;\n", i);
	}
	sb_append(out, "};\n\n");
}

bool codegen_wants_retry_at_exit(const struct trace_spec *s)
{
	const char *ev = s->loc.function;
	bool has_string = false;

	if (s->loc.type != PROBE_TRACEPOINT || !s->loc.category ||
	    strcmp(s->loc.category, "syscalls") || !starts_with(ev, "sys_enter_") ||
	    !strcmp(ev, "sys_enter_execve") || !strcmp(ev, "sys_enter_execveat"))
		return false;
	for (int i = 0; i < s->fmt.nconv; i++)
		has_string = has_string || s->fmt.convs[i].kind == CONV_STRING;
	return has_string;
}

char *codegen_sys_exit_event(const struct trace_spec *s)
{
	return xasprintf("sys_exit_%s", s->loc.function + strlen("sys_enter_"));
}

/* One format value captured into the record. With a retry at exit, a
 * string that cannot be read now leaves its pointer in its slot and its bit
 * in __retry. */
static void gen_assign(struct strbuf *out, const struct fmt_conv *c, int i, const char *expr,
		       bool retry)
{
	switch (c->kind) {
	case CONV_STRING: {
		char slot[16];
		struct tvar vars[] = {{"EXPR", expr}, {"SLOT", slot}};

		snprintf(slot, sizeof(slot), "%d", i);
		template_render(out, retry ? "trace_string_retry.c" : "trace_string.c", vars,
				ARRAY_SIZE(vars));
		break;
	}
	case CONV_SIGNED:
	case CONV_CHAR:
		sb_printf(out, "\t__data->v%d = (u64)(s64)(%s)(%s);\n", i, c->ctype, expr);
		break;
	default:
		sb_printf(out, "\t__data->v%d = (u64)(%s)(%s);\n", i, c->ctype, expr);
		break;
	}
}

/* The sys_exit program of a probe whose strings may be read again there. */
static void gen_exit_fn(struct strbuf *out, const struct gen_probe *p, const char *idx,
			const char *sname)
{
	struct strbuf reread = STRBUF_INIT;

	for (int i = 0; i < p->spec->fmt.nconv && i < 32; i++)
		if (p->spec->fmt.convs[i].kind == CONV_STRING) {
			char slot[16];
			struct tvar vars[] = {{"SLOT", slot}};

			snprintf(slot, sizeof(slot), "%d", i);
			template_render(&reread, "trace_reread.c", vars, ARRAY_SIZE(vars));
		}
	{
		struct tvar vars[] = {
			{"INDEX", idx},
			{"EXIT_FN", p->exit_fn},
			{"STRUCT", sname},
			{"REREAD", sb_str(&reread)},
		};

		template_render(out, "trace_exit.c", vars, ARRAY_SIZE(vars));
		sb_append(out, "\n");
	}
	sb_free(&reread);
}

static int gen_probe_fn(struct strbuf *out, struct strbuf *helpers, int *helper_count,
			const struct gen_probe *p, int index, const struct gen_opts *o,
			struct cbcc_err *err)
{
	const struct trace_spec *s = p->spec;
	struct expr_env env;
	struct strbuf assign = STRBUF_INIT, usdt = STRBUF_INIT, stacks = STRBUF_INIT;
	struct strbuf stash = STRBUF_INIT;
	char *pred = NULL, *params = NULL, *sname = NULL, *prologue = NULL, idx[16];
	const char *ctx = p->fentry ? KFUNC_CTX : codegen_ctx(&s->loc);
	int rc = -1;

	if (s->signature) {
		struct expr_src sig = {s->signature, s->raw, s->sig_off};

		if (expr_check_signature(&sig, err))
			goto out;
	}
	codegen_env(&env, &s->loc, o, helpers, *helper_count);
	{
		struct expr_src src = {s->predicate, s->raw, s->pred_off};

		if (!s->predicate)
			src = (struct expr_src){"1", NULL, EXPR_NOWHERE};
		pred = expr_rewrite(&src, &env, err);
	}
	if (!pred)
		goto out;
	for (int i = 0; i < s->nargs; i++) {
		struct expr_src src = {s->args[i], s->raw, s->arg_offs[i]};
		char *e = expr_rewrite(&src, &env, err);

		if (!e)
			goto out;
		gen_assign(&assign, &s->fmt.convs[i], i, e, p->exit_fn && i < 32);
		free(e);
	}
	if (codegen_usdt_reads(&usdt, env.usdt_args, &s->loc, p->usdt_argtypes, p->nusdt_args, err))
		goto out;
	{
		struct tvar vars[] = {
			{"TABLE", o->ustack_build_id ? TRACE_USTACKS_TABLE : TRACE_STACKS_TABLE},
			{"CTX", ctx}};

		if (o->ustack)
			template_render(&stacks, "trace_ustack_id.c", vars, ARRAY_SIZE(vars));
		if (o->kstack)
			template_render(&stacks, "trace_kstack_id.c", vars, ARRAY_SIZE(vars));
	}
	*helper_count = env.helper_count;
	params = p->fentry ? kfunc_params() : codegen_params(&s->loc, s->signature);
	prologue = p->fentry ? kfunc_prologue(&s->loc, p->nargs, s->signature)
			     : codegen_tp_prologue(&s->loc, p->tp_fields, p->ntp_fields,
						   s->predicate, s->args, s->nargs);
	sname = xasprintf("%s_data", p->fn_name);
	snprintf(idx, sizeof(idx), "%d", index);
	if (p->exit_fn) {
		struct tvar vars[] = {{"INDEX", idx}};

		template_render(&stash, "trace_retry_stash.c", vars, ARRAY_SIZE(vars));
	}
	{
		struct tvar vars[] = {
			{"INDEX", idx},
			{"NAME", p->fn_name},
			{"PARAMS", params},
			{"PROLOGUE", prologue},
			{"CGROUP_FILTER", o->cgroup ? template_text("trace_cgroup_filter.c") : ""},
			{"USDT_ARGS", sb_str(&usdt)},
			{"PREDICATE", pred},
			{"STRUCT", sname},
			{"ASSIGN", sb_str(&assign)},
			{"STACK_IDS", sb_str(&stacks)},
			{"CTX", ctx},
			{"RETRY_DECL", p->exit_fn ? template_text("trace_retry_decl.c") : ""},
			{"RETRY_STASH", sb_str(&stash)},
		};

		template_render(out, "trace_probe.c", vars, ARRAY_SIZE(vars));
		sb_append(out, "\n");
	}
	if (p->exit_fn)
		gen_exit_fn(out, p, idx, sname);
	rc = 0;
out:
	if (rc)
		probe_err(err, s->raw);
	free(pred);
	free(params);
	free(prologue);
	free(sname);
	sb_free(&assign);
	sb_free(&usdt);
	sb_free(&stacks);
	sb_free(&stash);
	return rc;
}

/* The stack tables of -K/-U: one of addresses, and with -s one of build ID
 * + file offset frames for user stacks. */
static void stack_tables(struct strbuf *out, const struct gen_opts *o)
{
	if (o->kstack || (o->ustack && !o->ustack_build_id))
		template_render(out, "trace_stacks.c", NULL, 0);
	if (o->ustack && o->ustack_build_id)
		template_render(out, "trace_ustacks_buildid.c", NULL, 0);
}

char *codegen_trace(const struct gen_probe *probes, int n, const struct gen_opts *o,
		    struct cbcc_err *err)
{
	struct strbuf out = STRBUF_INIT, structs = STRBUF_INIT, uni = STRBUF_INIT;
	struct strbuf helpers = STRBUF_INIT, fns = STRBUF_INIT, stacks = STRBUF_INIT;
	char **texts = xcalloc(n, sizeof(char *));
	int helper_count = 0, rc = 0;

	int ntexts = 0;
	bool retry = false;

	for (int i = 0; i < n; i++)
		retry = retry || probes[i].exit_fn;

	/* BCC's keyword auto-includes matter for kernel functions, whose
	 * signatures name kernel types; for user-space probes and tracepoints
	 * they only slow the compile down (linux/slab.h for "malloc"). */
	for (int i = 0; i < n; i++) {
		const struct trace_spec *s = probes[i].spec;
		char *code = codegen_code_text(
			probe_loc_is_kernel_function(&s->loc) ? s->loc.function : NULL,
			s->signature, s->args, s->nargs, s->predicate);

		if (probe_loc_is_kernel_function(&s->loc) || strstr(code, "$task"))
			texts[ntexts++] = code;
		else
			free(code);
	}
	rc = codegen_prelude(&out, o, texts, ntexts, err);
	free_strv(texts, ntexts);
	for (int i = 0; i < n && !rc; i++) {
		gen_struct(&structs, &probes[i], o);
		sb_printf(&uni, "\tstruct %s_data p%d;\n", probes[i].fn_name, i);
		rc = gen_probe_fn(&fns, &helpers, &helper_count, &probes[i], i, o, err);
	}
	if (!rc) {
		struct tvar vars[] = {
			{"STACKS", NULL},
			{"STRUCTS", sb_str(&structs)},
			{"UNION", sb_str(&uni)},
			{"HELPERS", sb_str(&helpers)},
			{"RETRY_MAP", retry ? template_text("trace_retry_map.c") : ""},
		};
		stack_tables(&stacks, o);
		vars[0].value = sb_str(&stacks);
		template_render(&out, "bell.c", NULL, 0);
		template_render(&out, "trace_common.c", vars, ARRAY_SIZE(vars));
		sb_append(&out, sb_str(&fns));
	}
	sb_free(&stacks);
	sb_free(&structs);
	sb_free(&uni);
	sb_free(&helpers);
	sb_free(&fns);
	return sb_steal_if_ok(&out, rc);
}
