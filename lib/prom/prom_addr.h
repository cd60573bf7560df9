/* --prometheus addresses: [HOST]:PORT checked while the options are read,
 * apart from the HTTP server (prom_server.c) so that a tool without an
 * exporter does not load libmicrohttpd. */
#ifndef CBCC_PROM_ADDR_H
#define CBCC_PROM_ADDR_H

#include "util.h"

struct prom_addr {
	char host[256]; /* 127.0.0.1 when the address names no host */
	char port[6];
};

int prom_addr_parse(const char *text, struct prom_addr *a, struct cbcc_err *err);
/* text as a message shows it: printable, at most 80 bytes then "...". */
void prom_addr_shown(const char *text, char out[84]);

#endif
