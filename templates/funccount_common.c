/* funccount: one counter per probe, indexed by the probe's slot. */
#include "funccount.h"
BPF_ARRAY(cbcc_counts, struct cbcc_probe_count, {{NSLOTS}});

static __always_inline void cbcc_count(u32 slot)
{
	u64 __pid_tgid = bpf_get_current_pid_tgid();

	if (cbcc_skip(__pid_tgid >> 32, (u32)__pid_tgid))
		return;
{{CPU_FILTER}}	struct cbcc_probe_count *count = cbcc_counts.lookup(&slot);

	if (count)
		__sync_fetch_and_add(&count->calls, 1);
}
