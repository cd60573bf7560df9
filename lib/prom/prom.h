/* Prometheus exporter of the counting tools (argdist, funccount, stackcount):
 * a registry of metric families that a tool describes once and fills at each
 * scrape, its text (0.0.4) and OpenMetrics (1.0.0) expositions, metric and
 * label name sanitizing, label value escaping, and an HTTP server
 * (libmicrohttpd, in threads of its own) answering GET /metrics.
 *
 * Threads: BPF maps and symbol caches are read on the tool's thread only. A
 * scrape wakes the tool's poll loop through prom_fd(); the loop calls
 * prom_serve(), which runs the tool's collect function, renders the text and
 * hands it to the waiting server threads. The server threads never touch the
 * registry, and the loop never waits for a client. */
#ifndef CBCC_PROM_H
#define CBCC_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"
#include "util.h"

/* Slots of a log2 histogram as in hist.h: slot i >= 2 counts [2^(i-1), 2^i - 1]. */
#define PROM_HIST_SLOTS 65

enum prom_type {
	PROM_COUNTER,	/* exposed as NAME_total */
	PROM_GAUGE,	/* NAME */
	PROM_HISTOGRAM, /* NAME_bucket{le=...}, NAME_sum, NAME_count */
	PROM_INFO,	/* NAME_info 1: a gauge in the text format */
};

enum prom_format { PROM_TEXT, PROM_OPENMETRICS };

struct prom_registry;
struct prom_family;

struct prom_registry *prom_registry_new(void);
void prom_registry_free(struct prom_registry *r);

/* Declares a family. name is a valid metric name without the type's suffix
 * (_total, _info) and unique in the registry; help is any text (escaped on
 * output); labels are nlabels valid, distinct label names. NULL with err
 * when a name is not. The family belongs to the registry. */
struct prom_family *prom_family_new(struct prom_registry *r, enum prom_type type, const char *name,
				    const char *help, const char *const *labels, int nlabels,
				    struct cbcc_err *err);
/* A histogram's le bounds and sum are its values divided by 10^decimals
 * (9: nanoseconds exposed as seconds). */
void prom_family_decimals(struct prom_family *f, int decimals);
/* A counter exposes at most max series; the others are summed into one
 * series with the label values other. A series once exposed stays exposed
 * and one summed stays summed, so every series only ever grows: when there
 * is room, new series are taken in descending order of value. */
void prom_family_limit(struct prom_family *f, size_t max, const char *const *other);

/* Drops the samples of every family: the start of a collection. */
void prom_registry_clear(struct prom_registry *r);
/* Adds v to the series of a counter, gauge or info family with these label
 * values (any bytes; series whose escaped values are equal are one). */
void prom_add(struct prom_family *f, const char *const *values, uint64_t v);
/* Adds a log2 histogram (slots as PROM_HIST_SLOTS) to a histogram's series;
 * sum is the sum of the observed values, a two's complement int64 when
 * is_signed. */
void prom_add_hist(struct prom_family *f, const char *const *values, const uint64_t *slots,
		   uint64_t sum, bool is_signed);
/* Appends the exposition of everything added since the last clear. */
void prom_render(struct prom_registry *r, enum prom_format fmt, struct strbuf *out);

/* A metric or label name made from text: lower case letters, digits and
 * '_' (any run of other bytes becomes one '_'), no '_' at either end, '_'
 * before a leading digit. NULL when nothing is left. */
char *prom_name(const char *text);
/* Distinct label names for n texts (expressions, say): each one's
 * prom_name, or when that is empty, "le" or taken by an earlier one, that
 * name (or "key") with "_<i+1>" appended, or the next number free. Freed
 * with free_strv. */
char **prom_label_names(const char *const *texts, int n);
/* A metric name for values in seconds: name (from prom_name) with a
 * trailing time unit word (ns, usecs, ms, seconds, ...) dropped and
 * "_seconds" appended. */
char *prom_seconds_name(const char *name);
/* Whether name is a valid label name (also a valid metric name) that
 * Prometheus does not reserve (a leading "__"). */
bool prom_name_valid(const char *name);
/* Appends s[0..n) as the inside of a quoted label value: backslash, double
 * quote and newline escaped as the formats say; other control characters and
 * bytes that are not UTF-8 as the four characters \xNN (an escaped
 * backslash), so every value is valid UTF-8. (A byte ff and the text \xff
 * then read alike: their series are summed.) */
void prom_escape_value(struct strbuf *out, const char *s, size_t n);
/* The format an Accept header asks for: OpenMetrics 1.0.0 when it ranks it
 * at least as high as the text format, else text (also for NULL). */
enum prom_format prom_negotiate(const char *accept);

/* The exporter: a listening socket, then an HTTP server. */
struct prom_exporter;

/* What every tool reports besides its own families. */
struct prom_stats {
	uint64_t probes_attached; /* cbcc_probes_attached */
	uint64_t lost_events;	  /* cbcc_lost_events_total */
};
/* Fills the tool's families (the registry was just cleared) and stats. */
typedef void (*prom_collect_fn)(void *ctx, struct prom_stats *stats);

/* Checks the syntax of "[HOST]:PORT" (HOST a name, an IPv4 address or an
 * [IPv6] address; none means 127.0.0.1; PORT 0-65535, 0 for any free one). */
int prom_addr_check(const char *addr, struct cbcc_err *err);
/* Binds and listens on addr for tool (its name goes into cbcc_build_info);
 * nothing is served until prom_start. */
int prom_open(const char *addr, const char *tool, struct prom_exporter **out, struct cbcc_err *err);
/* The registry the tool declares its families in. */
struct prom_registry *prom_registry(struct prom_exporter *e);
/* "http://HOST:PORT/metrics" with the port actually bound. */
const char *prom_url(const struct prom_exporter *e);
/* Starts serving (and says where on stderr); scrapes are answered by
 * prom_serve calling collect. */
int prom_start(struct prom_exporter *e, prom_collect_fn collect, void *ctx, struct cbcc_err *err);
/* Readable while a scrape waits for prom_serve; -1 for NULL. */
int prom_fd(const struct prom_exporter *e);
/* Answers the scrapes waiting, if any: one collection for all of them.
 * Never waits for a client. NULL does nothing. */
void prom_serve(struct prom_exporter *e);
/* Stops the server (scrapes still waiting get 503) and frees everything. */
void prom_close(struct prom_exporter *e);

#endif
