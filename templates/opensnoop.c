/* opensnoop: open(), openat() and openat2() with their results. The path
 * is read at sys_exit, after the kernel has faulted its page in. */
#include "opensnoop.h"

BPF_ARRAY(snoop_config, struct snoop_config, 1);

struct open_start {
	u64 ts;
	const char *path;
	u32 flags;
	s32 dfd;
};

BPF_PERF_OUTPUT(snoop_events);
BPF_PERCPU_ARRAY(open_scratch, struct open_event, 1);
BPF_HASH(open_starts, u64, struct open_start, 10240);

static __always_inline int open_enter(s32 dfd, const char *path, u32 flags)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 zero = 0;
	struct snoop_config *c = snoop_config.lookup(&zero);
	struct open_start s = {};

	if (!c || cbcc_skip(id >> 32, (u32)id) || snoop_container_skip())
		return 0;
	if (c->flags_mask && !(flags & c->flags_mask))
		return 0;
	s.ts = bpf_ktime_get_ns();
	s.path = path;
	s.flags = flags;
	s.dfd = dfd;
	open_starts.update(&id, &s);
	return 0;
}

static __always_inline int open_exit(void *ctx, long ret)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 zero = 0;
	struct snoop_config *c = snoop_config.lookup(&zero);
	struct open_start *s = open_starts.lookup(&id);
	struct open_event *e;
	int n;
	u32 size;

	if (!c || !s)
		return 0;
	e = open_scratch.lookup(&zero);
	if (!e || (c->failed_only && ret >= 0)) {
		open_starts.delete(&id);
		return 0;
	}
	e->ts = s->ts;
	e->flags = s->flags;
	e->dfd = s->dfd;
	n = bpf_probe_read_user_str(e->path, PATH_SIZE, s->path);
	open_starts.delete(&id);
	if (n <= 0) {
		e->path[0] = '\0';
		n = 1;
	}
	e->pid = id >> 32;
	e->tid = id;
	e->uid = bpf_get_current_uid_gid();
	e->ret = ret;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	size = offsetof(struct open_event, path) + (u32)n;
	if (size > sizeof(*e))
		size = sizeof(*e);
	snoop_events.perf_submit(ctx, e, size);
	cbcc_ring_bell(ctx);
	return 0;
}

int opensnoop_enter_open(struct tracepoint__syscalls__sys_enter_open *args)
{
	return open_enter(-100, args->filename, args->flags);
}

int opensnoop_enter_openat(struct tracepoint__syscalls__sys_enter_openat *args)
{
	return open_enter(args->dfd, args->filename, args->flags);
}

int opensnoop_enter_openat2(struct tracepoint__syscalls__sys_enter_openat2 *args)
{
	u64 flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), (void *)args->how);
	return open_enter(args->dfd, args->filename, flags);
}

int opensnoop_exit_open(struct tracepoint__syscalls__sys_exit_open *args)
{
	return open_exit(args, args->ret);
}

int opensnoop_exit_openat(struct tracepoint__syscalls__sys_exit_openat *args)
{
	return open_exit(args, args->ret);
}

int opensnoop_exit_openat2(struct tracepoint__syscalls__sys_exit_openat2 *args)
{
	return open_exit(args, args->ret);
}
