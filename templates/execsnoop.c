/* execsnoop: every exec() with its arguments, captured at sys_enter and
 * joined with the return value at sys_exit. */
#define MAXARGS {{MAXARGS}}

#include "execsnoop.h"

BPF_ARRAY(snoop_config, struct snoop_config, 1);

BPF_PERF_OUTPUT(snoop_events);
BPF_PERCPU_ARRAY(exec_scratch, struct exec_event, 1);
/* Arguments of execs in flight, by process: a successful exec from a
 * thread leaves the process with the thread id of its leader. */
BPF_F_TABLE("hash", u32, struct exec_event, exec_args, 1024, BPF_F_NO_PREALLOC);
BPF_HASH(exec_start, u32, u64, 10240);

static __always_inline struct snoop_config *snoop_cfg(void)
{
	u32 zero = 0;

	return snoop_config.lookup(&zero);
}

static __always_inline u32 exec_ppid(const struct snoop_config *c)
{
	u64 task = bpf_get_current_task();
	u64 parent = 0;
	u32 ppid = 0;

	if (!c->real_parent_off)
		return 0;
	bpf_probe_read_kernel(&parent, sizeof(parent), (void *)(task + c->real_parent_off));
	if (parent)
		bpf_probe_read_kernel(&ppid, sizeof(ppid), (void *)(parent + c->tgid_off));
	return ppid;
}

/* Reads one argument into its slot; a cut argument ends in "...". */
static __always_inline void exec_read_arg(struct exec_event *e, u32 i, const char *src)
{
	char next = 0;
	int n;

	if (i >= MAXARGS)
		return;
	n = bpf_probe_read_user_str(e->args[i], ARGSIZE, src);
	if (n < 0) {
		e->args[i][0] = '\0';
		return;
	}
	if (n < ARGSIZE)
		return;
	bpf_probe_read_user(&next, 1, src + ARGSIZE - 1);
	if (!next)
		return;
	e->args[i][ARGSIZE - 4] = '.';
	e->args[i][ARGSIZE - 3] = '.';
	e->args[i][ARGSIZE - 2] = '.';
}

static __always_inline int exec_enter(const char *filename, const char *const *argv)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tgid = id >> 32, zero = 0, i;
	struct snoop_config *c = snoop_cfg();
	struct exec_event *e;
	const char *more = NULL;

	if (!c || cbcc_skip(tgid, (u32)id) || snoop_container_skip())
		return 0;
	if (c->ppid && exec_ppid(c) != c->ppid)
		return 0;
	e = exec_scratch.lookup(&zero);
	if (!e)
		return 0;
	e->truncated = 0;
	exec_read_arg(e, 0, filename);
	for (i = 1; i < MAXARGS; i++) {
		const char *arg = NULL;

		bpf_probe_read_user(&arg, sizeof(arg), &argv[i]);
		if (!arg)
			break;
		exec_read_arg(e, i, arg);
	}
	e->nargs = i;
	if (i == MAXARGS) {
		bpf_probe_read_user(&more, sizeof(more), &argv[MAXARGS]);
		e->truncated = more != NULL;
	}
	exec_args.update(&tgid, e);
	return 0;
}

static __always_inline int exec_exit(void *ctx, long ret)
{
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct snoop_config *c = snoop_cfg();
	struct exec_event *e = exec_args.lookup(&tgid);
	u32 size;

	if (!c || !e)
		return 0;
	if (ret && !c->fails) {
		exec_args.delete(&tgid);
		return 0;
	}
	e->ts = bpf_ktime_get_ns();
	e->type = EXEC_EVENT;
	e->pid = tgid;
	e->ppid = exec_ppid(c);
	e->uid = bpf_get_current_uid_gid();
	e->ret = ret;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	if (!ret && c->exit_times)
		exec_start.update(&tgid, &e->ts);
	size = offsetof(struct exec_event, args) + (e->nargs & 0xffff) * ARGSIZE;
	if (size > sizeof(*e))
		size = sizeof(*e);
	snoop_events.perf_submit(ctx, e, size);
	cbcc_ring_bell(ctx);
	exec_args.delete(&tgid);
	return 0;
}

int execsnoop_enter_execve(struct tracepoint__syscalls__sys_enter_execve *args)
{
	return exec_enter(args->filename, args->argv);
}

int execsnoop_enter_execveat(struct tracepoint__syscalls__sys_enter_execveat *args)
{
	return exec_enter(args->filename, args->argv);
}

int execsnoop_exit_execve(struct tracepoint__syscalls__sys_exit_execve *args)
{
	return exec_exit(args, args->ret);
}

int execsnoop_exit_execveat(struct tracepoint__syscalls__sys_exit_execveat *args)
{
	return exec_exit(args, args->ret);
}

/* --exit: the run time of a process from its exec until its leader exits. */
int execsnoop_process_exit(struct tracepoint__sched__sched_process_exit *args)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tgid = id >> 32, zero = 0;
	u64 *start;
	struct exec_event *e;

	if ((u32)id != tgid)
		return 0;
	start = exec_start.lookup(&tgid);
	if (!start)
		return 0;
	e = exec_scratch.lookup(&zero);
	if (e) {
		e->ts = bpf_ktime_get_ns() - *start;
		e->type = EXIT_EVENT;
		e->pid = tgid;
		e->nargs = 0;
		snoop_events.perf_submit(args, e, offsetof(struct exec_event, args));
		cbcc_ring_bell(args);
	}
	exec_start.delete(&tgid);
	return 0;
}
