#include "output.h"

#include <time.h>

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
