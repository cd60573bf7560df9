/* argdist probe {{INDEX}} (-C) */
struct {{NAME}}_key_t {
{{FIELDS}}};
BPF_HASH({{NAME}}_hash, struct {{NAME}}_key_t, u64, {{MAX_ENTRIES}});

int {{FN}}({{PARAMS}})
{
{{PROLOGUE}}	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __tgid = __pid_tgid >> 32;
	u32 __pid = __pid_tgid;
	struct {{NAME}}_key_t __key;
	u64 *__count;

	if (cbcc_skip(__tgid, __pid))
		return 0;
{{USDT_ARGS}}{{ENTRY}}	if (!({{FILTER}}))
		return 0;
	__builtin_memset(&__key, 0, sizeof(__key));
{{KEY}}	__count = {{NAME}}_hash.lookup(&__key);
	if (!__count) {
		u64 __one = 1;

		if ({{NAME}}_hash.insert(&__key, &__one) == 0)
			return 0;
		__count = {{NAME}}_hash.lookup(&__key); /* another CPU inserted it */
	}
	if (__count)
		__sync_fetch_and_add(__count, 1);
	else
		cbcc_count_drop({{INDEX}});
	return 0;
}

