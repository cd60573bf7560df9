#include "output.h"

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "json.h"

void output_hms(char buf[16])
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, 16, "%H:%M:%S", &tm);
}

void output_json_begin(struct json *j)
{
	struct timespec now;
	struct tm tm;
	char hms[16];

	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	json_begin(j);
	json_str(j, "time", hms);
	json_fixed(j, "timestamp", (double)now.tv_sec + (double)now.tv_nsec / 1e9, 6);
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
	return output_wait_fd(timeout_ms, true, -1);
}

bool output_wait_fd(int timeout_ms, bool watch_stdout, int fd)
{
	struct pollfd p[2] = {{.fd = watch_stdout ? STDOUT_FILENO : -1, .events = 0},
			      {.fd = fd, .events = POLLIN}};

	/* a pipe whose reader has gone reports POLLERR, a closed stdout
	 * POLLNVAL; files and terminals report nothing, so this is a plain
	 * sleep for them */
	return poll(p, 2, timeout_ms) > 0 && (p[0].revents & (POLLERR | POLLHUP | POLLNVAL));
}

bool output_reader_gone(void)
{
	return !output_flush() || output_wait_closed(0);
}
