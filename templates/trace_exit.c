/* trace probe {{INDEX}} at the syscall's exit: the strings its entry could
 * not read (their pages were not resident yet), read now that the kernel
 * has copied them in; the record keeps its entry time. */
int {{EXIT_FN}}(void *ctx)
{
	u64 __key = ((u64){{INDEX}} << 32) | (u32)bpf_get_current_pid_tgid();
	union cbcc_scratch_t *__u = cbcc_retry.lookup(&__key);
	struct {{STRUCT}} *__data;
	u32 __retry;

	if (!__u)
		return 0;
	__data = (struct {{STRUCT}} *)__u;
	__retry = __data->hdr.pad;
	__data->hdr.pad = 0;
{{REREAD}}	cbcc_events.perf_submit(ctx, __data, sizeof(struct {{STRUCT}}));
	cbcc_ring_bell(ctx);
	cbcc_retry.delete(&__key);
	return 0;
}
