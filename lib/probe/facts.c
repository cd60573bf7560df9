#include "facts.h"

#include "insn.h"
#include "kfunc.h"
#include "sysenv.h"

static int live_tp_fields(void *ctx, const char *category, const char *event,
			  struct tp_field **fields, int *n, struct cbcc_err *err)
{
	(void)ctx;
	return tp_fields(category, event, fields, n, err);
}

static bool live_tracepoint_exists(void *ctx, const char *category, const char *event)
{
	(void)ctx;
	return sysenv_tracepoint_exists(category, event);
}

static bool live_kernel_function_exists(void *ctx, const char *name)
{
	(void)ctx;
	return sysenv_kernel_function_exists(name);
}

static char *live_find_library(void *ctx, const char *name, pid_t pid, struct cbcc_err *err)
{
	(void)ctx;
	return rt_find_library(name, pid, err);
}

static int live_uprobe_offset(void *ctx, const char *path, const char *func, pid_t pid,
			      uint64_t *offset, struct cbcc_err *err)
{
	(void)ctx;
	return rt_resolve_uprobe(path, func, pid, offset, err);
}

static int live_check_insn(void *ctx, const char *path, const char *func, uint64_t func_off,
			   uint64_t offset, struct cbcc_err *err)
{
	(void)ctx;
	return insn_check_offset(path, func, func_off, offset, err);
}

static int live_usdt_add(void *ctx, struct cbcc_bpf *b, const char *path, pid_t pid,
			 const char *provider, const char *probe, const char *fn_name,
			 char ***argtypes, int *nargs, struct cbcc_err *err)
{
	(void)ctx;
	return rt_usdt_add(b, path, pid, provider, probe, fn_name, argtypes, nargs, err);
}

const struct sys_facts *sys_facts_live(void)
{
	static const struct sys_facts live = {
		.tp_fields = live_tp_fields,
		.tracepoint_exists = live_tracepoint_exists,
		.kernel_function_exists = live_kernel_function_exists,
		.find_library = live_find_library,
		.uprobe_offset = live_uprobe_offset,
		.check_insn = live_check_insn,
		.usdt_add = live_usdt_add,
		.fentry_attaches = kfunc_fentry_attaches,
	};

	return &live;
}
