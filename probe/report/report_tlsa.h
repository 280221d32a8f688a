/*
 * report_tlsa.h - how `daneprobe tlsa-check` prints what it found: per
 * host, the TLSA records (each one alone: which does this chain match?)
 * and the verdict, as text for people or as the JSON object of the
 * command (domain, match, hosts[]).
 */
#ifndef DP_REPORT_TLSA_H
#define DP_REPORT_TLSA_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "probe/dane/certinfo.h"

typedef struct report_tlsa_rec {
	char text[2200];          /* "3 1 1 b152...", as in a zone file */
	int usable;               /* usage 2 or 3 with a known selector/type */
	int matches;              /* this record alone matches the chain */
	const char *why;          /* static text: why it is not usable */
} report_tlsa_rec;

typedef struct report_tlsa_host {
	const char *host;         /* MX host (or DOMAIN itself) */
	const char *name;         /* "_25._tcp.HOST", or the --tlsa-file path */
	const char *status;       /* secure, insecure, bogus, indeterminate, or
	                           * "file" (--tlsa-file: nothing validated) */
	const report_tlsa_rec *recs;
	size_t n;
	int match;                /* the set as a whole matches */
	const char *matched;      /* the matching record, when match */
	int depth;                /* 0 the leaf, > 0 a CA, when match */
	const char *reason;       /* why not, when !match */
	/* The chain described against this host's set (issue 13): its
	 * evidence and the records to publish for it.  May be NULL. */
	const cert_chain *chain;
	const tlsa_set *set;
} report_tlsa_host;

/* "TLSA NAME (STATUS): N record(s)", one line per record, then MATCH or
 * NO MATCH. */
void report_tlsa_host_text(FILE *out, const report_tlsa_host *h);
/* Append h to hosts as a JSON object.  DP_OK or DP_ENOMEM. */
int report_tlsa_host_json(json_t *hosts, const report_tlsa_host *h);
/* The extra line for bogus records, and for an MX host without TLSA. */
void report_tlsa_bogus_text(FILE *out, const char *name, const char *reason);
void report_tlsa_none_text(FILE *out, int port, const char *host);
/* The whole JSON document in the envelope (envelope.h): {"domain",
 * "match", "hosts", "warnings"}; match is exit_code == 0.  Takes over
 * hosts and warnings (JSON arrays; warnings may be NULL).  DP_OK or
 * DP_ENOMEM. */
int report_tlsa_print_json(FILE *out, const char *domain, int exit_code, json_t *hosts,
			   json_t *warnings);

#endif
