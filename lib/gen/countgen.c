#include "countgen.h"

#include <stdio.h>
#include <stdlib.h>

#include "codegen.h"
#include "kfunc.h"
#include "template.h"

/* The prelude every program starts with (no -I headers here). */
static int prelude(struct strbuf *out, struct cbcc_err *err)
{
	struct gen_opts o = {0};

	if (!codegen_prelude(out, &o, NULL, 0, err))
		return 0;
	sb_free(out);
	return -1;
}

/* The function of match i when it has its own probe. */
static void count_single(struct strbuf *out, const struct wc_pattern *p, const char *name, int i,
			 bool fentry)
{
	char slot[16];
	char *params = fentry ? kfunc_params() : xstrdup("struct pt_regs *ctx");
	struct tvar vars[] = {{"SLOT", slot}, {"NAME", name}, {"PARAMS", params}};

	snprintf(slot, sizeof(slot), "%d", i);
	template_render(out, p->type == PROBE_TRACEPOINT ? "funccount_tp.c" : "funccount_probe.c",
			vars, ARRAY_SIZE(vars));
	free(params);
}

static void count_syscalls(struct strbuf *out, const char *name, bool exit)
{
	struct tvar vars[] = {
		{"NAME", name}, {"DIR", exit ? "exit" : "enter"}, {"EXIT", exit ? "1" : "0"}};

	template_render(out, "funccount_syscalls.c", vars, ARRAY_SIZE(vars));
}

char *countgen_funccount(const struct wc_pattern *p, const struct wc_list *l, char *const *fn_names,
			 const struct wc_plan *plan, long cpu, struct cbcc_err *err)
{
	struct strbuf out = STRBUF_INIT;
	char nslots[16], cpu_nr[24];
	const int *count = plan->count;

	if (prelude(&out, err))
		return NULL;
	snprintf(nslots, sizeof(nslots), "%d", l->n);
	snprintf(cpu_nr, sizeof(cpu_nr), "%ld", cpu);
	{
		struct tvar cpu_var[] = {{"CPU", cpu_nr}};
		char *cpu_filter =
			cpu >= 0 ? template_string("funccount_cpu_filter.c", cpu_var, 1) : NULL;
		struct tvar vars[] = {{"NSLOTS", nslots}, {"CPU_FILTER", cpu_filter}};

		template_render(&out, "funccount_common.c", vars, ARRAY_SIZE(vars));
		free(cpu_filter);
	}
	for (int i = 0; i < l->n; i++)
		if (wc_plan_is(plan, i, WC_SINGLE) || wc_plan_is(plan, i, WC_FENTRY))
			count_single(&out, p, fn_names[i], i, wc_plan_is(plan, i, WC_FENTRY));
	if (count[WC_MULTI]) {
		struct tvar vars[] = {{"NAME", COUNTGEN_MULTI_FN}};

		template_render(&out, "funccount_multi.c", vars, ARRAY_SIZE(vars));
	}
	if (count[WC_SYS_ENTER] || count[WC_SYS_EXIT])
		wc_render_syscall_slots(&out);
	if (count[WC_SYS_ENTER])
		count_syscalls(&out, COUNTGEN_SYS_ENTER_FN, false);
	if (count[WC_SYS_EXIT])
		count_syscalls(&out, COUNTGEN_SYS_EXIT_FN, true);
	return sb_steal(&out);
}

/* One stackcount function: kprobes, uprobes, tracepoints and USDT probes get
 * a pt_regs context, fentry programs their own (with the same stacks). */
static void stack_fn(struct strbuf *out, const struct wc_pattern *p, const char *name, bool fentry,
		     const struct stack_opts *o)
{
	bool user_entry = p->type == PROBE_ENTRY && p->library;
	char cpu_nr[24], *params = fentry			 ? kfunc_params()
				   : p->type == PROBE_TRACEPOINT ? xstrdup("void *ctx")
								 : xstrdup("struct pt_regs *ctx");
	struct tvar cpu_var[] = {{"CPU", cpu_nr}};
	char *cpu_filter;

	snprintf(cpu_nr, sizeof(cpu_nr), "%ld", o->cpu);
	cpu_filter = o->cpu >= 0 ? template_string("stackcount_cpu_filter.c", cpu_var, 1) : NULL;
	{
		struct tvar vars[] = {
			{"NAME", name},
			{"PARAMS", params},
			{"CTX", fentry ? KFUNC_CTX : "ctx"},
			{"CPU_FILTER", cpu_filter},
			{"PER_PID", o->perpid ? "1" : "0"},
			{"KSTACK", o->kstack ? "1" : "0"},
			{"USTACK", o->ustack ? "1" : "0"},
			{"CALLER", user_entry ? template_text("stackcount_caller.c") : ""},
		};

		template_render(out, "stackcount_probe.c", vars, ARRAY_SIZE(vars));
	}
	free(cpu_filter);
	free(params);
}

char *countgen_stackcount(const struct wc_pattern *p, const struct wc_list *l,
			  char *const *fn_names, const char *shared, const struct wc_plan *plan,
			  const struct stack_opts *o, struct cbcc_err *err)
{
	struct strbuf out = STRBUF_INIT;

	if (prelude(&out, err))
		return NULL;
	template_render(&out, "stackcount_common.c", NULL, 0);
	if (p->type != PROBE_USDT && (plan->count[WC_SINGLE] || plan->count[WC_MULTI]))
		stack_fn(&out, p, shared, false, o);
	for (int i = 0; i < l->n; i++)
		if (p->type == PROBE_USDT || wc_plan_is(plan, i, WC_FENTRY))
			stack_fn(&out, p, fn_names[i], p->type != PROBE_USDT, o);
	return sb_steal(&out);
}
