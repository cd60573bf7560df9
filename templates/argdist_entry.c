/* argdist probe {{INDEX}}, entry: what the return probe needs, per thread.
 * An LRU hash, so entries of calls that never return do not pile up. */
struct {{NAME}}_entry_t {
{{FIELDS}}};
BPF_TABLE("lru_hash", u32, struct {{NAME}}_entry_t, {{NAME}}_entry, 10240);

int {{FN}}({{PARAMS}})
{
{{PROLOGUE}}	u64 __pid_tgid = bpf_get_current_pid_tgid();
	u32 __pid = __pid_tgid;
	struct {{NAME}}_entry_t __e = {};

	if (cbcc_skip(__pid_tgid >> 32, __pid))
		return 0;
{{STASH}}	{{NAME}}_entry.update(&__pid, &__e);
	return 0;
}

