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

/* The reader's bell (its tables in bell.h): perf buffers wake the reader
 * every 32 events, so a lone event would wait for its poll timeout. When the
 * reader has caught up it arms cbcc_bell_armed; the next event on any CPU
 * disarms it and rings cbcc_bell, whose buffers wake the reader at once. In
 * a burst the reader stays behind and leaves it unarmed. */
/* The names of the reader's bell's tables, shared by templates/bell.c and
 * lib/runtime/runtime.c (rt_poll); no layout to pin. User space writes 1 into
 * element 0 of BELL_ARMED_TABLE to arm it; the next event writes one u32
 * into the running CPU's buffer of BELL_TABLE, whose reader wakes at every
 * record. */
#ifndef CBCC_BELL_H
#define CBCC_BELL_H

#define BELL_TABLE "cbcc_bell"
#define BELL_ARMED_TABLE "cbcc_bell_armed"

#endif

BPF_ARRAY(cbcc_bell_armed, u32, 1);
BPF_PERF_OUTPUT(cbcc_bell);

static __always_inline void cbcc_ring_bell(void *ctx)
{
	u32 zero = 0, *armed = cbcc_bell_armed.lookup(&zero);

	if (armed && *armed) {
		*armed = 0;
		cbcc_bell.perf_submit(ctx, &zero, sizeof(zero));
	}
}

/* trace: the records (their header in trace.h), their perf buffer and the
 * scratch space a record is built in. */
/* The contract of templates/trace_common.c with tools/trace.c: the header
 * every probe's record starts with (its values follow at 8-byte aligned
 * offsets, see trace_event_layout()) and the tables' names. */
#ifndef CBCC_TRACE_H
#define CBCC_TRACE_H

#ifndef __BPF_TRACING__ /* user space (BCC defines it for BPF programs) */
#include <linux/types.h>
#endif

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif

#define TRACE_EVENTS_TABLE "cbcc_events"   /* perf buffer of the records */
#define TRACE_STACKS_TABLE "cbcc_stacks"   /* -K, -U: stack id -> addresses */
#define TRACE_USTACKS_TABLE "cbcc_ustacks" /* -U -s: build ID + file offset */
#define TRACE_EVENT_HDR_SIZE 56

struct cbcc_event_hdr {
	__u64 ts;
	__u32 tgid;
	__u32 pid;
	__u32 uid;
	__u32 cpu;
	__u32 probe;  /* index of the probe in the command line */
	__s32 kstack; /* stack ids, or negative */
	__s32 ustack;
	__u32 pad;
	char comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct cbcc_event_hdr) == TRACE_EVENT_HDR_SIZE,
	       "struct cbcc_event_hdr changed size");
_Static_assert(__builtin_offsetof(struct cbcc_event_hdr, probe) == 24,
	       "struct cbcc_event_hdr moved probe");
_Static_assert(__builtin_offsetof(struct cbcc_event_hdr, comm) == 40,
	       "struct cbcc_event_hdr moved comm");

#endif

BPF_PERF_OUTPUT(cbcc_events);

struct probe_sys_enter_openat_1_data {
	struct cbcc_event_hdr hdr;
	char v0[80];
};


union cbcc_scratch_t {
	struct probe_sys_enter_openat_1_data p0;
};
BPF_PERCPU_ARRAY(cbcc_scratch, union cbcc_scratch_t, 1);
/* records waiting for their syscall's exit (trace_exit.c) */
BPF_TABLE("lru_hash", u64, union cbcc_scratch_t, cbcc_retry, 1024);


/* trace probe 0 */
int probe_sys_enter_openat_1(struct tracepoint__syscalls__sys_enter_openat *args)
{
	if (0) /* for libbcc: an outside pointer */
		args->filename = args->filename;
	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __tgid = __pid_tgid >> 32;
	u32 __pid = __pid_tgid;
	u32 __uid = bpf_get_current_uid_gid();
	u32 __zero = 0;

	if (cbcc_skip(__tgid, __pid))
		return 0;
	if (!(1))
		return 0;

	struct probe_sys_enter_openat_1_data *__data = (struct probe_sys_enter_openat_1_data *)cbcc_scratch.lookup(&__zero);
	if (!__data)
		return 0;
	__data->hdr.ts = bpf_ktime_get_ns();
	__data->hdr.tgid = __tgid;
	__data->hdr.pid = __pid;
	__data->hdr.uid = __uid;
	__data->hdr.cpu = bpf_get_smp_processor_id();
	__data->hdr.probe = 0;
	__data->hdr.kstack = -1;
	__data->hdr.ustack = -1;
	bpf_get_current_comm(&__data->hdr.comm, sizeof(__data->hdr.comm));
	u32 __retry = 0;
	{
		u64 __p = (u64)(args->filename);

		__data->v0[0] = 0;
		if (__p && cbcc_read_str(&__data->v0, sizeof(__data->v0), (const void *)__p) < 0) {
			__builtin_memcpy(&__data->v0, &__p, 8);
			__retry |= 1U << 0;
		}
	}
	if (__retry) { /* sent by the sys_exit program */
		u64 __key = ((u64)0 << 32) | __pid;

		__data->hdr.pad = __retry;
		cbcc_retry.update(&__key, (union cbcc_scratch_t *)__data);
		return 0;
	}

	cbcc_events.perf_submit(args, __data, sizeof(struct probe_sys_enter_openat_1_data));
	cbcc_ring_bell(args);
	return 0;
}

/* trace probe 0 at the syscall's exit: the strings its entry could
 * not read (their pages were not resident yet), read now that the kernel
 * has copied them in; the record keeps its entry time. */
int probe_sys_enter_openat_1_exit(void *ctx)
{
	u64 __key = ((u64)0 << 32) | (u32)bpf_get_current_pid_tgid();
	union cbcc_scratch_t *__u = cbcc_retry.lookup(&__key);
	struct probe_sys_enter_openat_1_data *__data;
	u32 __retry;

	if (!__u)
		return 0;
	__data = (struct probe_sys_enter_openat_1_data *)__u;
	__retry = __data->hdr.pad;
	__data->hdr.pad = 0;
	if (__retry & (1U << 0)) {
		u64 __p;

		__builtin_memcpy(&__p, &__data->v0, 8);
		__data->v0[0] = 0;
		cbcc_read_str(&__data->v0, sizeof(__data->v0), (const void *)__p);
	}
	cbcc_events.perf_submit(ctx, __data, sizeof(struct probe_sys_enter_openat_1_data));
	cbcc_ring_bell(ctx);
	cbcc_retry.delete(&__key);
	return 0;
}

