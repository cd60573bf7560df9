/* cbcc prelude: shared by every generated program. */
#include <uapi/linux/ptrace.h>

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif
/* Filters set by user space after load (so the source, and the compiled
 * program, do not depend on run-time values such as the tool's own pid). */
/* The contract of templates/prelude.c with user space: the run-time filters
 * every generated program reads in cbcc_skip(), written by lib/gen/filters.c
 * after load into element 0 of the array named CBCC_CONFIG_TABLE. */
#ifndef CBCC_PRELUDE_H
#define CBCC_PRELUDE_H

#ifndef __BPF_TRACING__ /* user space (BCC defines it for BPF programs) */
#include <linux/types.h>
#endif

#define CBCC_CONFIG_TABLE "cbcc_config"

struct cbcc_config {
	__u32 self_tgid; /* the tool itself, skipped unless -S */
	__u32 tgid;      /* -p */
	__u32 tid;       /* -L */
	__u32 has_uid;
	__u32 uid;       /* --uid */
};

_Static_assert(sizeof(struct cbcc_config) == 20, "struct cbcc_config changed size");
_Static_assert(__builtin_offsetof(struct cbcc_config, uid) == 16, "struct cbcc_config moved");

#endif
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

/* argdist: values not counted because a probe's map was full, per probe. */
BPF_ARRAY(cbcc_dropped, u64, 1);

static __always_inline void cbcc_count_drop(int probe)
{
	u64 *n = cbcc_dropped.lookup(&probe);

	if (n)
		__sync_fetch_and_add(n, 1);
}


/* argdist probe 0 (-C) */
struct probe_write_1_key_t {
	char v0[24];
	u64 v1;
};
BPF_HASH(probe_write_1_hash, struct probe_write_1_key_t, u64, 10240);

int probe_write_1(struct pt_regs *ctx, int fd, char *buf, size_t n)
{
	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __tgid = __pid_tgid >> 32;
	u32 __pid = __pid_tgid;
	struct probe_write_1_key_t __key;
	u64 *__count;

	if (cbcc_skip(__tgid, __pid))
		return 0;
	if (!(fd==1))
		return 0;
	__builtin_memset(&__key, 0, sizeof(__key));
	cbcc_read_str(&__key.v0, 21, (const void *)(u64)(buf));
	__key.v1 = (u64)(int)(fd);
	__count = probe_write_1_hash.lookup(&__key);
	if (!__count) {
		u64 __one = 1;

		if (probe_write_1_hash.insert(&__key, &__one) == 0)
			return 0;
		__count = probe_write_1_hash.lookup(&__key); /* another CPU inserted it */
	}
	if (__count)
		__sync_fetch_and_add(__count, 1);
	else
		cbcc_count_drop(0);
	return 0;
}

