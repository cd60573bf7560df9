/* trace: the records (their header in trace.h), their perf buffer and the
 * scratch space a record is built in. */
#include "trace.h"

BPF_PERF_OUTPUT(cbcc_events);
{{STACKS}}
{{STRUCTS}}
union cbcc_scratch_t {
{{UNION}}};
BPF_PERCPU_ARRAY(cbcc_scratch, union cbcc_scratch_t, 1);
{{RETRY_MAP}}
{{HELPERS}}
