#include "probe_base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "expr.h"

void probe_env_init(struct probe_env *e, struct cbcc_bpf *bpf, pid_t pid, bool unsafe, bool ebpf,
		    enum kfunc_method method, bool verbose)
{
	*e = (struct probe_env){
		.bpf = bpf,
		.facts = sys_facts_live(),
		.pid = pid,
		.unsafe = unsafe,
		.portable = ebpf && method == KFUNC_AUTO,
		.plan = {.method = method, .tool = cli_tool_name(), .verbose = verbose},
	};
}

void probe_env_free(struct probe_env *e)
{
	kfunc_plan_free(&e->plan);
}

int probe_kfunc_plan(struct probe_env *e, const struct probe_loc *loc, const char *what,
		     struct probe_kfunc *k, struct cbcc_err *err)
{
	struct kfunc_choice c;

	if (e->portable || !probe_loc_is_kernel_function(loc))
		return 0;
	e->plan.facts = e->facts;
	if (kfunc_plan_probe(&e->plan, loc, what, &c, &k->prog, err))
		return -1;
	k->nargs = c.nargs;
	if (!c.fentry)
		snprintf(k->why, sizeof(k->why), "%s", c.why);
	return 0;
}

void probe_kfunc_free(struct probe_kfunc *k)
{
	free(k->prog);
	k->prog = NULL;
}

int probe_base_attach(struct probe_env *e, const struct probe_loc *loc,
		      const struct resolved_probe *res, const char *fn_name,
		      const struct probe_kfunc *k, struct cbcc_err *err)
{
	if (k->prog)
		return kfunc_attach(e->bpf, k->prog, err);
	if (!probe_attach(e->bpf, loc, res, fn_name, e->pid, err))
		return 0;
	kfunc_explain(err, e->plan.method, loc, k->why);
	return -1;
}

int probe_check_tp_fields(const struct probe_loc *loc, const struct resolved_probe *res,
			  const char *raw, char *const *texts, const size_t *offs, int n,
			  struct cbcc_err *err)
{
	if (loc->type != PROBE_TRACEPOINT)
		return 0;
	for (int i = 0; i < n; i++) {
		struct expr_src src = {texts[i], raw, offs[i]};

		if (texts[i] && expr_check_tp_fields(&src, loc->category, loc->function,
						     res->fields, res->nfields, err))
			return -1;
	}
	return 0;
}

int probe_err_as(struct cbcc_err *err, const char *what, const char *raw)
{
	char *before = xasprintf("%s '%s': ", what, raw);

	cbcc_err_wrap(err, before, "");
	free(before);
	return -1;
}

int probe_err(struct cbcc_err *err, const char *raw)
{
	return probe_err_as(err, "error in probe", raw);
}

int probe_parse_err(struct cbcc_err *err, const char *raw)
{
	return probe_err_as(err, "error parsing probe", raw);
}
