/* stackcount: distinct stacks counted in a hash keyed by the stack ids. */
#include "stackcount.h"

BPF_HASH(cbcc_counts, struct cbcc_stack_key, u64, 65536);
BPF_STACK_TRACE(cbcc_stacks, 16384);
/* the process a user stack was seen in, to symbolize it */
BPF_HASH(cbcc_stack_pid, s32, u32, 16384);
/* processes seen so far: user space reads each one's maps while it lives */
BPF_HASH(cbcc_seen, u32, u32, 65536);
BPF_PERF_OUTPUT(cbcc_events);
