/*
 * report_client.h - what verify adds under a client model (issue 14):
 * which model judged, every record where the resolver's AD view and
 * local validation differ, and Postfix's view of the outcome.
 */
#ifndef DP_REPORT_CLIENT_H
#define DP_REPORT_CLIENT_H

#include <stdio.h>
#include <jansson.h>
#include "probe/dane/dane.h"

/* "AD VIEW ..." lines, one per differing record; "Postfix: ..." line. */
void report_client_text(FILE *out, const dane_result *r);
/* "client", "ad_view_differs":[{name,type,ad,local,what}], and under
 * Postfix's rules "postfix_tls" (posttls-finger's word), added to o. */
void report_client_json(json_t *o, const dane_result *r);

/* Where the resolvers came from when daneprobe read them from the host
 * (resolv.conf, systemd-resolved, unbound, dnsmasq): one line naming the
 * source (behind systemd-resolved's stub: each server and its role),
 * then the note (the stub, the order those programs use). */
struct dp_rsrc;
void report_rsrc_text(FILE *out, const struct dp_rsrc *src);
/* "resolver_source": {"kind","file","stub","note","write_file",
 * "servers":[{"address","role"}]} added to o. */
void report_rsrc_json(json_t *o, const struct dp_rsrc *src);

#endif
