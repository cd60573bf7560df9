/* cbcc prelude: shared by every generated program. */
#include <uapi/linux/ptrace.h>
{{INCLUDES}}
#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif
/* Filters set by user space after load (so the source, and the compiled
 * program, do not depend on run-time values such as the tool's own pid). */
#include "prelude.h"
BPF_ARRAY(cbcc_config, struct cbcc_config, 1);

/* The uid helper runs only when --uid asked for it: this is every probe's
 * hot path. */
static __always_inline bool cbcc_skip(u32 tgid, u32 tid)
{
	u32 zero = 0;
	struct cbcc_config *c = cbcc_config.lookup(&zero);

	if (!c)
		return true;
	if (c->tgid && tgid != c->tgid)
		return true;
	if (c->tid && tid != c->tid)
		return true;
	if (c->has_uid && (u32)bpf_get_current_uid_gid() != c->uid)
		return true;
	return tgid == c->self_tgid;
}

/* User and kernel pointers are told apart by address (kernel addresses have
 * the top bit set), so "%s" works on either without an @user hint. */
static __always_inline int cbcc_read_str(void *dst, u32 size, const void *src)
{
	if ((s64)src >= 0)
		return bpf_probe_read_user_str(dst, size, src);
	return bpf_probe_read_kernel_str(dst, size, src);
}

static __always_inline int cbcc_read_mem(void *dst, u32 size, const void *src)
{
	if ((s64)src >= 0)
		return bpf_probe_read_user(dst, size, src);
	return bpf_probe_read_kernel(dst, size, src);
}
{{CGROUP}}
