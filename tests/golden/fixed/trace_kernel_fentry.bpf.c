/* cbcc prelude: shared by every generated program. */
#include <uapi/linux/ptrace.h>
#include <linux/fs.h>
#include <linux/fs.h>
#include <linux/sched.h>

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

struct kretfunc__do_sys_openat2_data {
	struct cbcc_event_hdr hdr;
	u64 v0;
};

struct kfunc__do_sys_openat2_data {
	struct cbcc_event_hdr hdr;
	char v0[80];
	u64 v1;
};


union cbcc_scratch_t {
	struct kretfunc__do_sys_openat2_data p0;
	struct kfunc__do_sys_openat2_data p1;
};
BPF_PERCPU_ARRAY(cbcc_scratch, union cbcc_scratch_t, 1);


/* trace probe 0 */
int kretfunc__do_sys_openat2(unsigned long long *__fctx)
{
	struct { u64 di, si, dx, cx, r8, r9, ax; } __fregs = {}, *ctx = &__fregs;

	__fregs.di = __fctx[0];
	__fregs.si = __fctx[1];
	__fregs.dx = __fctx[2];
	__fregs.ax = __fctx[3];
	(void)ctx;

	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __tgid = __pid_tgid >> 32;
	u32 __pid = __pid_tgid;
	u32 __uid = bpf_get_current_uid_gid();
	u32 __zero = 0;

	if (cbcc_skip(__tgid, __pid))
		return 0;
	if (!(1))
		return 0;

	struct kretfunc__do_sys_openat2_data *__data = (struct kretfunc__do_sys_openat2_data *)cbcc_scratch.lookup(&__zero);
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
	__data->v0 = (u64)(s64)(int)(PT_REGS_RC(ctx));

	cbcc_events.perf_submit(__fctx, __data, sizeof(struct kretfunc__do_sys_openat2_data));
	cbcc_ring_bell(__fctx);
	return 0;
}

/* trace probe 1 */
int kfunc__do_sys_openat2(unsigned long long *__fctx)
{
	struct { u64 di, si, dx, cx, r8, r9, ax; } __fregs = {}, *ctx = &__fregs;

	__fregs.di = __fctx[0];
	__fregs.si = __fctx[1];
	__fregs.dx = __fctx[2];
	int dfd = (typeof(dfd))__fctx[0];
	const char *filename = (typeof(filename))__fctx[1];
	(void)ctx;

	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __tgid = __pid_tgid >> 32;
	u32 __pid = __pid_tgid;
	u32 __uid = bpf_get_current_uid_gid();
	u32 __zero = 0;

	if (cbcc_skip(__tgid, __pid))
		return 0;
	if (!(1))
		return 0;

	struct kfunc__do_sys_openat2_data *__data = (struct kfunc__do_sys_openat2_data *)cbcc_scratch.lookup(&__zero);
	if (!__data)
		return 0;
	__data->hdr.ts = bpf_ktime_get_ns();
	__data->hdr.tgid = __tgid;
	__data->hdr.pid = __pid;
	__data->hdr.uid = __uid;
	__data->hdr.cpu = bpf_get_smp_processor_id();
	__data->hdr.probe = 1;
	__data->hdr.kstack = -1;
	__data->hdr.ustack = -1;
	bpf_get_current_comm(&__data->hdr.comm, sizeof(__data->hdr.comm));
	{
		u64 __p = (u64)(filename);

		__data->v0[0] = 0;
		if (__p)
			cbcc_read_str(&__data->v0, sizeof(__data->v0), (const void *)__p);
	}
	__data->v1 = (u64)(unsigned long long)(((struct task_struct *)bpf_get_current_task()));

	cbcc_events.perf_submit(__fctx, __data, sizeof(struct kfunc__do_sys_openat2_data));
	cbcc_ring_bell(__fctx);
	return 0;
}

