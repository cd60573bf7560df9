#include "output.h"

#include <poll.h>
#include <time.h>
#include <unistd.h>

void output_hms(char buf[16])
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, 16, "%H:%M:%S", &tm);
}

uint64_t output_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool output_flush(void)
{
	return fflush(stdout) == 0 && !ferror(stdout);
}

bool output_wait_closed(int timeout_ms)
{
	struct pollfd p = {.fd = STDOUT_FILENO, .events = 0};

	/* a pipe whose reader has gone reports POLLERR; files and terminals
	 * report nothing, so this is a plain sleep for them */
	return poll(&p, 1, timeout_ms) > 0 && (p.revents & (POLLERR | POLLHUP));
}
