#include "signals.h"

#include <stddef.h>
#include <string.h>

/* A signal handler can only reach its state through statics. */
static volatile sig_atomic_t *stop_flag;
static volatile sig_atomic_t received;

static void on_signal(int sig)
{
	received++;
	if (stop_flag)
		*stop_flag = sig;
}

static void set_handlers(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

bool signals_pending(void)
{
	return stop_flag && *stop_flag;
}

void signals_install(volatile sig_atomic_t *flag)
{
	struct sigaction sa;

	stop_flag = flag;
	set_handlers(SA_RESTART);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int signals_received(void)
{
	return received;
}

void signals_interrupt_writes(void)
{
	set_handlers(0);
}
