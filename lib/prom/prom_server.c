/* The exporter's HTTP side (prom.h): the listening socket, libmicrohttpd
 * serving GET /metrics from threads of its own, and the hand-over of
 * expositions rendered on the tool's thread. */
#include "prom.h"
#include "prom_addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

#define MAX_CONNECTIONS 64	 /* more are refused until some close */
#define IDLE_TIMEOUT_S 10	 /* a client silent this long is dropped */
#define TOOL_WAIT_S 5		 /* a scrape the tool does not answer in time gets 503 */
#define THREAD_STACK (512 << 10) /* per connection thread */

/* A rendered exposition, shared by the responses sending it. */
struct snapshot {
	struct prom_exporter *e;
	char *text;
	size_t len;
	int refs; /* under e->lock */
};

struct prom_exporter {
	int listen_fd, wake_fd; /* wake_fd: an eventfd the tool's loop polls */
	char *tool, *url;
	struct MHD_Daemon *daemon;
	struct prom_registry *reg;
	struct prom_family *build, *attached, *lost;
	prom_collect_fn collect;
	void *ctx;
	pthread_mutex_t lock; /* the fields below */
	pthread_cond_t answered;
	uint64_t tickets;   /* scrapes so far */
	unsigned want;	    /* formats asked for since the last collection, a bit each */
	uint64_t served[2]; /* per format: the scrapes its snapshot answers */
	struct snapshot *snap[2];
	bool stopping;
};

static const char *const content_type[] = {
	[PROM_TEXT] = "text/plain; version=0.0.4; charset=utf-8",
	[PROM_OPENMETRICS] = "application/openmetrics-text; version=1.0.0; charset=utf-8",
};

/* A socket listening on the first of a's addresses that binds. */
static int listen_on(const char *text, const struct prom_addr *a, struct cbcc_err *err)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res;
	int rc = getaddrinfo(a->host, a->port, &hints, &res), fd = -1, saved = 0, one = 1;
	char shown[84];

	prom_addr_shown(text, shown);
	if (rc)
		return cbcc_errf(err, "cannot serve metrics on %s: %s", shown, gai_strerror(rc));
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0) {
			saved = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		return cbcc_errf(err, "cannot serve metrics on %s: %s", shown, strerror(saved));
	return fd;
}

/* "http://HOST:PORT/metrics" of the bound socket. */
static char *bound_url(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
		return xasprintf("http://[%s]:%u/metrics", host, port);
	}
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
	}
	return xasprintf("http://%s:%u/metrics", host, port);
}

/* The families every tool has. */
static void declare_common(struct prom_exporter *e)
{
	static const char *const build_labels[] = {"tool", "version", "libbcc"};

	e->build = prom_family_new(e->reg, PROM_INFO, "cbcc_build",
				   "The cbcc tool serving these metrics, its version and libbcc's.",
				   build_labels, 3, NULL);
	e->attached = prom_family_new(e->reg, PROM_GAUGE, "cbcc_probes_attached",
				      "Probes the tool has attached.", NULL, 0, NULL);
	e->lost = prom_family_new(e->reg, PROM_COUNTER, "cbcc_lost_events",
				  "Events the tool saw but could not count (see its man page).",
				  NULL, 0, NULL);
}

int prom_open(const char *text, const char *tool, struct prom_exporter **out, struct cbcc_err *err)
{
	struct prom_exporter *e;
	pthread_condattr_t ca;
	struct prom_addr a;
	int fd;

	*out = NULL;
	if (prom_addr_parse(text, &a, err))
		return -1;
	fd = listen_on(text, &a, err);
	if (fd < 0)
		return -1;
	e = xcalloc(1, sizeof(*e));
	e->listen_fd = fd;
	e->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->wake_fd < 0) {
		close(fd);
		free(e);
		return cbcc_errf(err, "cannot serve metrics: eventfd: %s", strerror(errno));
	}
	e->tool = xstrdup(tool);
	e->url = bound_url(fd);
	e->reg = prom_registry_new();
	declare_common(e);
	pthread_mutex_init(&e->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&e->answered, &ca);
	pthread_condattr_destroy(&ca);
	*out = e;
	return 0;
}

struct prom_registry *prom_registry(struct prom_exporter *e)
{
	return e->reg;
}

const char *prom_url(const struct prom_exporter *e)
{
	return e->url;
}

int prom_fd(const struct prom_exporter *e)
{
	return e && e->daemon ? e->wake_fd : -1;
}

/* Under e->lock. */
static void unref(struct snapshot *s)
{
	if (s && --s->refs == 0) {
		free(s->text);
		free(s);
	}
}

/* MHD's free callback of a response: the response is done with s. */
static void release(void *cls)
{
	struct snapshot *s = cls;
	struct prom_exporter *e = s->e;

	pthread_mutex_lock(&e->lock);
	unref(s);
	pthread_mutex_unlock(&e->lock);
}

/* Asks the tool's loop for a collection made after now and waits for it;
 * a reference to the snapshot in format fmt, or NULL (busy or stopping). */
static struct snapshot *await_snapshot(struct prom_exporter *e, enum prom_format fmt)
{
	struct snapshot *s = NULL;
	struct timespec deadline;
	uint64_t ticket, one = 1;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += TOOL_WAIT_S;
	pthread_mutex_lock(&e->lock);
	ticket = ++e->tickets;
	e->want |= 1u << fmt;
	if (write(e->wake_fd, &one, sizeof(one)) < 0) {
		/* the counter is full: the loop has a wake-up pending anyway */
	}
	while (!e->stopping && e->served[fmt] < ticket)
		if (pthread_cond_timedwait(&e->answered, &e->lock, &deadline) == ETIMEDOUT)
			break;
	if (!e->stopping && e->served[fmt] >= ticket) {
		s = e->snap[fmt];
		s->refs++;
	}
	pthread_mutex_unlock(&e->lock);
	return s;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     const char *body)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_metrics(struct prom_exporter *e, struct MHD_Connection *c)
{
	const char *accept =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	enum prom_format fmt = prom_negotiate(accept);
	struct snapshot *s = await_snapshot(e, fmt);
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!s)
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain",
			     "metrics unavailable: the tool is busy or stopping\n");
	r = MHD_create_response_from_buffer_with_free_callback_cls(s->len, s->text, release, s);
	if (!r) {
		release(s);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type[fmt]);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* Runs in a connection's thread once its request headers are in. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req)
{
	static const char index_page[] =
		"<html><head><title>cbcc exporter</title></head><body>\n"
		"<h1>cbcc exporter</h1><p><a href=\"/metrics\">Metrics</a></p>\n"
		"</body></html>\n";

	(void)version;
	(void)upload_data;
	(void)req;
	if (*upload_data_size) { /* a body nobody asked for: dropped */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "only GET is served\n");
	if (!strcmp(url, "/metrics"))
		return reply_metrics(cls, c);
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", index_page);
	return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", "not found: metrics are at /metrics\n");
}

int prom_start(struct prom_exporter *e, prom_collect_fn collect, void *ctx, struct cbcc_err *err)
{
	sigset_t all, old;

	e->collect = collect;
	e->ctx = ctx;
	/* the server's threads leave signals to the tool's thread */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	e->daemon = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
			MHD_USE_ITC,
		0, NULL, NULL, on_request, e, MHD_OPTION_LISTEN_SOCKET, e->listen_fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!e->daemon)
		return cbcc_errf(err, "cannot serve metrics on %s: the HTTP server did not start",
				 e->url);
	fprintf(stderr, "%s: serving Prometheus metrics at %s\n", e->tool, e->url);
	return 0;
}

/* A new snapshot of the registry in format fmt, referenced once. */
static struct snapshot *render(struct prom_exporter *e, enum prom_format fmt)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));
	struct strbuf sb = STRBUF_INIT;

	prom_render(e->reg, fmt, &sb);
	s->e = e;
	s->len = sb.len;
	s->text = sb_steal(&sb);
	s->refs = 1;
	return s;
}

void prom_serve(struct prom_exporter *e)
{
	struct snapshot *fresh[2] = {NULL, NULL};
	struct prom_stats stats = {0};
	uint64_t n, target;
	unsigned want;

	if (!e || !e->daemon)
		return;
	if (read(e->wake_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&e->lock);
	target = e->tickets;
	want = e->want;
	e->want = 0;
	pthread_mutex_unlock(&e->lock);
	if (!want)
		return;
	prom_registry_clear(e->reg);
	e->collect(e->ctx, &stats);
	prom_add(e->build, (const char *const[]){e->tool, CBCC_VERSION, rt_bcc_version()}, 1);
	prom_add(e->attached, NULL, stats.probes_attached);
	prom_add(e->lost, NULL, stats.lost_events);
	for (int fmt = 0; fmt < 2; fmt++)
		if (want & (1u << fmt))
			fresh[fmt] = render(e, fmt);
	pthread_mutex_lock(&e->lock);
	for (int fmt = 0; fmt < 2; fmt++) {
		if (!fresh[fmt])
			continue;
		unref(e->snap[fmt]);
		e->snap[fmt] = fresh[fmt];
		e->served[fmt] = target;
	}
	pthread_cond_broadcast(&e->answered);
	pthread_mutex_unlock(&e->lock);
}

void prom_close(struct prom_exporter *e)
{
	if (!e)
		return;
	if (e->daemon) {
		pthread_mutex_lock(&e->lock);
		e->stopping = true;
		pthread_cond_broadcast(&e->answered);
		pthread_mutex_unlock(&e->lock);
		MHD_stop_daemon(e->daemon); /* joins its threads, closes the socket */
	} else {
		close(e->listen_fd);
	}
	for (int fmt = 0; fmt < 2; fmt++)
		unref(e->snap[fmt]);
	close(e->wake_fd);
	pthread_cond_destroy(&e->answered);
	pthread_mutex_destroy(&e->lock);
	prom_registry_free(e->reg);
	free(e->tool);
	free(e->url);
	free(e);
}
