/*
 * fuzz_scenario.c - libFuzzer target for the adversarial replayer's
 * scenario parser (tests/adversarial/scenario.c) and its reply builder.
 * Whatever the parser accepts, the replayer must answer its question and
 * every recorded query, over UDP and TCP, with a message that parses back
 * and carries the query's ID and question; nothing it rejects may leak or
 * crash.
 *
 * tests/fuzz/run.sh links only validator/ and probe/ objects, so the
 * parser (test code, not part of the library) comes in as source.
 */
#include <stdint.h>
#include <stdlib.h>
#include "tests/adversarial/scenario.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Ask (name, type) and check the reply. */
static void ask(const scenario *s, const ldns_rdf *name, ldns_rr_type type, uint16_t id)
{
	ldns_pkt *q = ldns_pkt_query_new(ldns_rdf_clone(name), type, LDNS_RR_CLASS_IN, LDNS_RD);
	uint8_t *wire = NULL;
	size_t wlen = 0;

	if (!q)
		return;
	ldns_pkt_set_id(q, id);
	ldns_pkt_set_edns_udp_size(q, 1232);
	ldns_pkt_set_edns_do(q, 1);
	if (ldns_pkt2wire(&wire, q, &wlen) != LDNS_STATUS_OK) {
		ldns_pkt_free(q);
		return;
	}
	for (int tcp = 0; tcp < 2; tcp++) {
		uint8_t *out = NULL;
		size_t olen = 0;
		ldns_pkt *r = NULL;
		if (scenario_answer(s, wire, wlen, tcp, &out, &olen) != 1)
			continue;
		if (!tcp && olen > 1232)
			abort();        /* UDP replies fit the client's buffer */
		if (ldns_wire2pkt(&r, out, olen) != LDNS_STATUS_OK)
			abort();        /* what we send must parse */
		if (ldns_pkt_id(r) != id || !ldns_pkt_qr(r) ||
		    ldns_rr_list_rr_count(ldns_pkt_question(r)) != 1 ||
		    ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(r), 0)),
				       name) != 0)
			abort();
		ldns_pkt_free(r);
		free(out);
	}
	free(wire);
	ldns_pkt_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scenario *s = NULL;
	char err[512];

	if (scenario_parse((const char *)data, size, &s, err, sizeof err) != 0)
		return 0;
	ask(s, s->qname, s->qtype, 0x1234);
	for (size_t i = 0; i < s->n_msgs && i < 16; i++)
		ask(s, s->msgs[i].qname, s->msgs[i].qtype, (uint16_t)i);
	scenario_free(s);
	return 0;
}
