/* The contract of templates/funccount_common.c with tools/funccount.c and
 * lib/runtime/maps.c (map_read_probe_counts): the counts table, one element
 * per probe slot, never reset, and its name. */
#ifndef CBCC_FUNCCOUNT_H
#define CBCC_FUNCCOUNT_H

#ifndef __BPF_TRACING__ /* user space (BCC defines it for BPF programs) */
#include <linux/types.h>
#endif

#define FUNCCOUNT_COUNTS_TABLE "cbcc_counts" /* __u32 slot -> struct cbcc_probe_count */

struct cbcc_probe_count {
	__u64 calls; /* since the start */
};

_Static_assert(sizeof(struct cbcc_probe_count) == 8, "struct cbcc_probe_count changed size");

#endif
