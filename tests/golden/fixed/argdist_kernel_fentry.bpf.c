/* cbcc prelude: shared by every generated program. */
#include <uapi/linux/ptrace.h>
#include <linux/fs.h>

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
BPF_ARRAY(cbcc_dropped, u64, 2);

static __always_inline void cbcc_count_drop(int probe)
{
	u64 *n = cbcc_dropped.lookup(&probe);

	if (n)
		__sync_fetch_and_add(n, 1);
}


/* argdist probe 0 (-C) */
struct probe_do_sys_openat2_1_key_t {
	u64 v0;
};
BPF_HASH(probe_do_sys_openat2_1_hash, struct probe_do_sys_openat2_1_key_t, u64, 10240);

int kfunc__do_sys_openat2(unsigned long long *__fctx)
{
	struct { u64 di, si, dx, cx, r8, r9, ax; } __fregs = {}, *ctx = &__fregs;

	__fregs.di = __fctx[0];
	__fregs.si = __fctx[1];
	__fregs.dx = __fctx[2];
	int dfd = (typeof(dfd))__fctx[0];
	(void)ctx;

	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __tgid = __pid_tgid >> 32;
	u32 __pid = __pid_tgid;
	struct probe_do_sys_openat2_1_key_t __key;
	u64 *__count;

	if (cbcc_skip(__tgid, __pid))
		return 0;
	if (!(1))
		return 0;
	__builtin_memset(&__key, 0, sizeof(__key));
	__key.v0 = (u64)(int)(dfd);
	__count = probe_do_sys_openat2_1_hash.lookup(&__key);
	if (!__count) {
		u64 __one = 1;

		if (probe_do_sys_openat2_1_hash.insert(&__key, &__one) == 0)
			return 0;
		__count = probe_do_sys_openat2_1_hash.lookup(&__key); /* another CPU inserted it */
	}
	if (__count)
		__sync_fetch_and_add(__count, 1);
	else
		cbcc_count_drop(0);
	return 0;
}

/* argdist probe 1, entry: what the return probe needs, per thread.
 * An LRU hash, so entries of calls that never return do not pile up. */
struct probe_vfs_read_2_entry_t {
	u64 __latency;
	size_t count;
};
BPF_TABLE("lru_hash", u32, struct probe_vfs_read_2_entry_t, probe_vfs_read_2_entry, 10240);

int kfunc__vfs_read(unsigned long long *__fctx)
{
	struct { u64 di, si, dx, cx, r8, r9, ax; } __fregs = {}, *ctx = &__fregs;

	__fregs.di = __fctx[0];
	__fregs.si = __fctx[1];
	__fregs.dx = __fctx[2];
	__fregs.cx = __fctx[3];
	struct file *f = (typeof(f))__fctx[0];
	char *buf = (typeof(buf))__fctx[1];
	size_t count = (typeof(count))__fctx[2];
	(void)ctx;

	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __pid = __pid_tgid;
	struct probe_vfs_read_2_entry_t __e = {};

	if (cbcc_skip(__pid_tgid >> 32, __pid))
		return 0;
	__e.count = count;
	__e.__latency = bpf_ktime_get_ns();
	probe_vfs_read_2_entry.update(&__pid, &__e);
	return 0;
}

/* argdist probe 1 (-H) */
BPF_ARRAY(probe_vfs_read_2_hist, u64, 65);
/* the sum of the values (two's complement for signed types) */
BPF_ARRAY(probe_vfs_read_2_sum, u64, 1);

int kretfunc__vfs_read(unsigned long long *__fctx)
{
	struct { u64 di, si, dx, cx, r8, r9, ax; } __fregs = {}, *ctx = &__fregs;

	__fregs.di = __fctx[0];
	__fregs.si = __fctx[1];
	__fregs.dx = __fctx[2];
	__fregs.cx = __fctx[3];
	__fregs.ax = __fctx[4];
	(void)ctx;

	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __tgid = __pid_tgid >> 32;
	u32 __pid = __pid_tgid;
	u64 __value;
	int __slot, __zero = 0;
	u64 *__count, *__sum;

	if (cbcc_skip(__tgid, __pid))
		return 0;
	u64 __now = bpf_ktime_get_ns();
	struct probe_vfs_read_2_entry_t __e;
	{
		struct probe_vfs_read_2_entry_t *__ep = probe_vfs_read_2_entry.lookup(&__pid);

		if (!__ep)
			return 0;
		__e = *__ep;
		probe_vfs_read_2_entry.delete(&__pid);
	}
	if (!((__now - __e.__latency) > 1000))
		return 0;
	__value = (u64)(size_t)((__e.count));
	__slot = bpf_log2l(__value);
	__count = probe_vfs_read_2_hist.lookup(&__slot);
	if (__count)
		__sync_fetch_and_add(__count, 1);
	__sum = probe_vfs_read_2_sum.lookup(&__zero);
	if (__sum)
		__sync_fetch_and_add(__sum, __value);
	return 0;
}

