/* trace: the event header every probe's record starts with. */
struct cbcc_event_hdr {
	u64 ts;
	u32 tgid;
	u32 pid;
	u32 uid;
	u32 cpu;
	u32 probe;
	s32 kstack;
	s32 ustack;
	u32 pad;
	char comm[TASK_COMM_LEN];
};

BPF_PERF_OUTPUT(cbcc_events);
{{STACKS}}
{{STRUCTS}}
union cbcc_scratch_t {
{{UNION}}};
BPF_PERCPU_ARRAY(cbcc_scratch, union cbcc_scratch_t, 1);
{{RETRY_MAP}}
{{HELPERS}}
