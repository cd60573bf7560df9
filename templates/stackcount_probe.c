/* stackcount probe (one function attached to every match; USDT probes and
 * fentry programs get one each) */
int {{NAME}}({{PARAMS}})
{
	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __tgid = __pid_tgid >> 32;
	struct cbcc_stack_key key = {};

	if (cbcc_skip(__tgid, (u32)__pid_tgid))
		return 0;
{{CPU_FILTER}}	key.tgid = {{PER_PID}} ? __tgid : STACKCOUNT_NO_PID;
	if ({{PER_PID}})
		bpf_get_current_comm(&key.comm, sizeof(key.comm));
	key.kstack = {{KSTACK}} ? cbcc_stacks.get_stackid({{CTX}}, 0) : -1;
	key.ustack = {{USTACK}} ? cbcc_stacks.get_stackid({{CTX}}, BPF_F_USER_STACK) : -1;
{{CALLER}}	if (key.ustack >= 0) {
		u32 one = 1;

		cbcc_stack_pid.update(&key.ustack, &__tgid);
		if (!cbcc_seen.lookup(&__tgid)) {
			cbcc_seen.update(&__tgid, &one);
			cbcc_events.perf_submit({{CTX}}, &__tgid, sizeof(__tgid));
		}
	}
	cbcc_counts.atomic_increment(key);
	return 0;
}
