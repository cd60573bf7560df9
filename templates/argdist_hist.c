/* argdist probe {{INDEX}} (-H) */
BPF_ARRAY({{NAME}}_hist, u64, 65);
/* the sum of the values (two's complement for signed types) */
BPF_ARRAY({{NAME}}_sum, u64, 1);

int {{FN}}({{PARAMS}})
{
{{PROLOGUE}}	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __tgid = __pid_tgid >> 32;
	u32 __pid = __pid_tgid;
	u64 __value;
	int __slot, __zero = 0;
	u64 *__count, *__sum;

	if (cbcc_skip(__tgid, __pid))
		return 0;
{{USDT_ARGS}}{{ENTRY}}	if (!({{FILTER}}))
		return 0;
	__value = (u64)({{TYPE}})({{EXPR}});
	__slot = bpf_log2l(__value);
	__count = {{NAME}}_hist.lookup(&__slot);
	if (__count)
		__sync_fetch_and_add(__count, 1);
	__sum = {{NAME}}_sum.lookup(&__zero);
	if (__sum)
		__sync_fetch_and_add(__sum, __value);
	return 0;
}

