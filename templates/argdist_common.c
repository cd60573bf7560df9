/* argdist: values not counted because a probe's map was full, per probe. */
BPF_ARRAY(cbcc_dropped, u64, {{NPROBES}});

static __always_inline void cbcc_count_drop(int probe)
{
	u64 *n = cbcc_dropped.lookup(&probe);

	if (n)
		__sync_fetch_and_add(n, 1);
}

{{HELPERS}}
