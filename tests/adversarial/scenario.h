/*
 * scenario.h - one adversarial scenario: a trust anchor, a time, a
 * question, the verdict daneprobe must reach, and the messages a resolver
 * recorded for every (qname, qtype) the validator may ask
 * (tests/adversarial/README.md gives the file format).
 *
 * The parser takes untrusted text (it is a libFuzzer target,
 * tests/fuzz/fuzz_scenario.c): every line is checked, the first error
 * stops the parse with its line number.
 */
#ifndef DP_SCENARIO_H
#define DP_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>

/* What the replayer does with a question the scenario did not record. */
typedef enum scn_unknown {
	SCN_UNKNOWN_REFUSED,
	SCN_UNKNOWN_SERVFAIL,
	SCN_UNKNOWN_DROP
} scn_unknown;

/* One recorded answer: the question it answers, and the message (rcode,
 * header flags and the three sections; ID and question are filled in per
 * query by scenario_answer). */
typedef struct scn_msg {
	ldns_rdf *qname;
	ldns_rr_type qtype;
	ldns_pkt *pkt;
	int line;               /* where its "query" line is */
} scn_msg;

typedef struct scenario {
	char *name;             /* "nsec-wildcard-nxdomain" */
	char *rule;             /* the RFC rule it breaks, or "twin of X" */
	char *twin;             /* an attack's legitimate twin, or NULL */
	char *now;              /* for `daneprobe lookup --now` */
	char *expect;           /* secure | insecure | bogus | indeterminate */
	char *reason;           /* substring the reason must hold, or NULL */
	int ede;                /* EDE the verdict must carry, or -1 */
	ldns_rdf *qname;        /* the question */
	ldns_rr_type qtype;
	ldns_rr_list *anchors;  /* DS and/or DNSKEY records */
	scn_unknown unknown;
	scn_msg *msgs;
	size_t n_msgs;
} scenario;

/* Parse len bytes of scenario text.  0 with *out (malloced, free with
 * scenario_free), or -1 with a message "line N: ..." in err. */
int scenario_parse(const char *text, size_t len, scenario **out, char *err, size_t errlen);
/* Read and parse a file, the same way. */
int scenario_load(const char *path, scenario **out, char *err, size_t errlen);
void scenario_free(scenario *s);

/* The recorded message for (qname, qtype) (names compare without case),
 * or NULL. */
const scn_msg *scenario_find(const scenario *s, const ldns_rdf *qname, ldns_rr_type qtype);

/*
 * The reply to the query in wire form q (qlen bytes), as a resolver would
 * send it: the recorded message with the query's ID and question, or the
 * scenario's "unknown" answer.  Over UDP (tcp 0) a reply larger than the
 * query allows (its EDNS buffer size, else 512; RFC 6891 6.2.5) goes out
 * truncated: TC=1 and the question only (RFC 2181 9), so the client asks
 * again over TCP.
 * 1 with *out (malloced) and *outlen; 0 when nothing is to be sent (a
 * query that is not one, or "unknown drop"); -1 out of memory.
 */
int scenario_answer(const scenario *s, const uint8_t *q, size_t qlen, int tcp,
		    uint8_t **out, size_t *outlen);

#endif
