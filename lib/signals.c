#include "signals.h"

#include <stddef.h>
#include <string.h>

/* A signal handler can only reach the flag through a static. */
static volatile sig_atomic_t *stop_flag;

static void on_signal(int sig)
{
	if (stop_flag)
		*stop_flag = sig;
}

bool signals_pending(void)
{
	return stop_flag && *stop_flag;
}

void signals_install(volatile sig_atomic_t *flag)
{
	struct sigaction sa;

	stop_flag = flag;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}
