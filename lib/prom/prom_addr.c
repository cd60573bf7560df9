/* --prometheus addresses (prom_addr.h). */
#include "prom_addr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

/* An address from the command line as a message shows it: printable, and
 * at most 80 bytes (so that the message keeps its end). */
void prom_addr_shown(const char *text, char out[84])
{
	printable_copy(out, 81, text);
	if (strlen(text) > 80)
		strcpy(out + 80, "...");
}

static int bad_addr(const char *text, struct cbcc_err *err)
{
	char shown[84];

	prom_addr_shown(text, shown);
	return cbcc_errf(err, "invalid address '%s': expected [HOST]:PORT, e.g. :9435", shown);
}

int prom_addr_parse(const char *text, struct prom_addr *a, struct cbcc_err *err)
{
	const char *host = text, *host_end, *port;
	size_t hlen, plen;

	if (text[0] == '[') { /* [IPv6]:PORT */
		host = text + 1;
		host_end = strchr(host, ']');
		if (!host_end || host_end[1] != ':')
			return bad_addr(text, err);
		port = host_end + 2;
	} else {
		host_end = strrchr(text, ':');
		if (!host_end || memchr(text, ':', (size_t)(host_end - text)))
			return bad_addr(text, err);
		port = host_end + 1;
	}
	hlen = (size_t)(host_end - host);
	plen = strlen(port);
	if (hlen >= sizeof(a->host) || !plen || plen >= sizeof(a->port) ||
	    strspn(port, "0123456789") != plen || atol(port) > 65535)
		return bad_addr(text, err);
	for (size_t i = 0; i < hlen; i++)
		if (!isgraph((unsigned char)host[i]))
			return bad_addr(text, err);
	if (hlen)
		snprintf(a->host, sizeof(a->host), "%.*s", (int)hlen, host);
	else
		snprintf(a->host, sizeof(a->host),
			 "127.0.0.1"); /* another interface must be named */
	snprintf(a->port, sizeof(a->port), "%s", port);
	return 0;
}

int prom_addr_check(const char *addr, struct cbcc_err *err)
{
	struct prom_addr a;

	return prom_addr_parse(addr, &a, err);
}
