#include "probe.h"

#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

int probe_resolve(struct cbcc_bpf *b, const struct sys_facts *f, const struct probe_loc *loc,
		  pid_t pid, const char *fn_name, bool unsafe, struct resolved_probe *r,
		  struct cbcc_err *err)
{
	memset(r, 0, sizeof(*r));
	if (loc->type == PROBE_TRACEPOINT)
		return f->tp_fields(f->ctx, loc->category, loc->function, &r->fields, &r->nfields,
				    err);
	if (probe_loc_is_kernel_function(loc)) {
		if (!f->kernel_function_exists(f->ctx, loc->function))
			return cbcc_errf(err, "kernel function '%s' not found in /proc/kallsyms",
					 loc->function);
		return 0;
	}
	r->path = f->find_library(f->ctx, loc->library, pid, err);
	if (!r->path)
		return -1;
	if (loc->type == PROBE_USDT)
		return f->usdt_add(f->ctx, b, r->path, pid, loc->category, loc->function, fn_name,
				   &r->usdt_argtypes, &r->nusdt_args, err);
	if (f->uprobe_offset(f->ctx, r->path, loc->function, pid, &r->offset, err))
		return -1;
	if (loc->offset && !unsafe &&
	    f->check_insn(f->ctx, r->path, loc->function, r->offset, loc->offset, err))
		return -1;
	r->offset += loc->offset;
	return 0;
}

int probe_attach(struct cbcc_bpf *b, const struct probe_loc *loc, const struct resolved_probe *r,
		 const char *fn_name, pid_t pid, struct cbcc_err *err)
{
	bool ret = loc->type == PROBE_RETURN;
	int fd;

	if (loc->type == PROBE_USDT)
		return 0;
	fd = rt_load(b, fn_name,
		     loc->type == PROBE_TRACEPOINT ? BPF_PROG_TYPE_TRACEPOINT
						   : BPF_PROG_TYPE_KPROBE,
		     err);
	if (fd < 0)
		return -1;
	if (loc->type == PROBE_TRACEPOINT)
		return rt_attach_tracepoint(b, fd, loc->category, loc->function, err);
	if (probe_loc_is_kernel_function(loc))
		return rt_attach_kprobe(b, fd, ret, loc->function, loc->offset, err);
	return rt_attach_uprobe(b, fd, ret, r->path, r->offset, pid, err);
}

void resolved_probe_free(struct resolved_probe *r)
{
	free(r->path);
	free_strv(r->usdt_argtypes, r->nusdt_args);
	tp_fields_free(r->fields, r->nfields);
	memset(r, 0, sizeof(*r));
}
