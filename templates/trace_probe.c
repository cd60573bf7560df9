/* trace probe {{INDEX}} */
int {{NAME}}({{PARAMS}})
{
{{PROLOGUE}}	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __tgid = __pid_tgid >> 32;
	u32 __pid = __pid_tgid;
	u32 __uid = bpf_get_current_uid_gid();
	u32 __zero = 0;

	if (cbcc_skip(__tgid, __pid))
		return 0;
{{CGROUP_FILTER}}{{USDT_ARGS}}	if (!({{PREDICATE}}))
		return 0;

	struct {{STRUCT}} *__data = (struct {{STRUCT}} *)cbcc_scratch.lookup(&__zero);
	if (!__data)
		return 0;
	__data->hdr.ts = bpf_ktime_get_ns();
	__data->hdr.tgid = __tgid;
	__data->hdr.pid = __pid;
	__data->hdr.uid = __uid;
	__data->hdr.cpu = bpf_get_smp_processor_id();
	__data->hdr.probe = {{INDEX}};
	__data->hdr.kstack = -1;
	__data->hdr.ustack = -1;
	bpf_get_current_comm(&__data->hdr.comm, sizeof(__data->hdr.comm));
{{RETRY_DECL}}{{ASSIGN}}{{STACK_IDS}}{{RETRY_STASH}}
	cbcc_events.perf_submit({{CTX}}, __data, sizeof(struct {{STRUCT}}));
	cbcc_ring_bell({{CTX}});
	return 0;
}
