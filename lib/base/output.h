/* BCC-compatible output pieces shared by the tools. */
#ifndef CBCC_OUTPUT_H
#define CBCC_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json;

/* "HH:MM:SS" of the current local time (time.strftime("%H:%M:%S")). */
void output_hms(char buf[16]);
/* Starts an interval's --json line: {"time": "HH:MM:SS" (as output_hms),
 * "timestamp": unix time in seconds, as a float. */
void output_json_begin(struct json *j);
/* CLOCK_MONOTONIC in ns: the clock bpf_ktime_get_ns() uses. */
uint64_t output_monotonic_ns(void);
/* Flushes stdout; false once the reader has gone (EPIPE). */
bool output_flush(void);
/* Waits up to timeout_ms (less when a signal arrives); true as soon as
 * stdout is a pipe whose reader has gone. */
bool output_wait_closed(int timeout_ms);
/* The same, watching stdout only when watch_stdout, and returning early
 * (false) once fd, unless < 0, is readable (an exporter's scrape). */
bool output_wait_fd(int timeout_ms, bool watch_stdout, int fd);
/* Flushes stdout; true once its reader has gone: a write failed, or, while
 * no events come to write, poll says so. */
bool output_reader_gone(void);

#endif
