/* The reader's bell (its tables in bell.h): perf buffers wake the reader
 * every 32 events, so a lone event would wait for its poll timeout. When the
 * reader has caught up it arms cbcc_bell_armed; the next event on any CPU
 * disarms it and rings cbcc_bell, whose buffers wake the reader at once. In
 * a burst the reader stays behind and leaves it unarmed. */
#include "bell.h"

BPF_ARRAY(cbcc_bell_armed, u32, 1);
BPF_PERF_OUTPUT(cbcc_bell);

static __always_inline void cbcc_ring_bell(void *ctx)
{
	u32 zero = 0, *armed = cbcc_bell_armed.lookup(&zero);

	if (armed && *armed) {
		*armed = 0;
		cbcc_bell.perf_submit(ctx, &zero, sizeof(zero));
	}
}

