#include "drain.h"

#include <stdio.h>

#include "signals.h"

/* How long to wait for end marks the kernel said it wrote: 10 x 10 ms. */
#define MARK_POLLS 10

static void detach(struct drain *d)
{
	signals_interrupt_writes(); /* a second signal ends even a stalled write */
	rt_detach_all(d->b);
	d->detached = true;
}

static bool deliver(void *ctx)
{
	struct drain *d = ctx;

	if (!*d->stop)
		return true;
	if (!d->detached)
		detach(d);
	return signals_received() < 2 && !ferror(stdout);
}

void drain_arm(struct drain *d, struct cbcc_bpf *b, volatile sig_atomic_t *stop)
{
	*d = (struct drain){.b = b, .stop = stop};
	rt_perf_set_gate(b, deliver, d);
}

unsigned long long drain_finish(struct drain *d, const char *tool)
{
	unsigned long long left;
	int marks;

	if (!d->detached)
		detach(d);
	rt_consume(d->b); /* room for the end marks */
	marks = rt_perf_mark_end(d->b);
	for (int i = 0; rt_perf_marks_read(d->b) < marks && i < MARK_POLLS; i++)
		rt_poll(d->b, 10);
	while (rt_consume(d->b)) /* without marks (kernels before 5.10): until empty */
		;
	left = rt_perf_undelivered(d->b);
	if (left)
		fprintf(stderr, "%s: %llu events left unread\n", tool, left);
	return left;
}
