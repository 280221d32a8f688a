/*
 * scen_wildcard.c - wildcards and records expanded from them (RFC 4592;
 * RFC 4035 5.3.2-5.3.4; RFC 4034 3.1.3; RFC 6672 5.3): issue 10 findings 1
 * and 4.  An expanded record is recognised by its RRSIG labels field,
 * smaller than the owner's label count; it is a real record of the zone,
 * validly signed, replayed at a name it does not belong to.
 */
#include <string.h>
#include "tests/adversarial/gen/scen.h"

/* The zone's own signed NSEC at *.example., presented at owner. */
static ldns_rr_list *expanded_nsec(gzone *z, const char *owner)
{
	ldns_rr_list *l = gz_get(z, "*.example.", LDNS_RR_TYPE_NSEC);
	rl_rename(l, owner);
	return l;
}

static ldns_pkt *denial_msg(gscn *s, gzone *z, const char *q, const char *t, int nx)
{
	ldns_pkt *p = scn_msg(s, q, t);
	pk_clear(p, LDNS_SECTION_ANSWER);
	pk_clear(p, LDNS_SECTION_AUTHORITY);
	ldns_pkt_set_rcode(p, nx ? LDNS_RCODE_NXDOMAIN : LDNS_RCODE_NOERROR);
	pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "example.", LDNS_RR_TYPE_SOA));
	return p;
}

/* Finding 1, NXDOMAIN: a.example. is answered by the wildcard; the forgery
 * denies it with *.example.'s NSEC re-owned to "!.example." ('!' sorts
 * before '*'), which then seems to cover both a.example. and the wildcard. */
static void wc_nxdomain(void)
{
	for (int attack = 0; attack < 2; attack++) {
		gscn *s = scn_new(attack ? "wc-expanded-nsec-nxdomain" : "wc-answer-twin",
				  attack ? "RFC 4035 5.3.2 / RFC 4034 3.1.3: an NSEC whose RRSIG labels "
					   "field is below its owner's label count was expanded from a "
					   "wildcard and proves nothing about the expanded name "
					   "(CVE-2017-15105 class)" : "twin of wc-expanded-nsec-nxdomain",
				  attack ? "wc-answer-twin" : NULL);
		gzone *z = gz_new(s, "example.", 8, NULL, 0);
		gz_add(z, "* 300 IN TXT \"wild\"");
		gz_add(z, "z 300 IN A 192.0.2.26");
		scn_ask(s, "a.example.", "TXT", attack ? "bogus" : "secure", NULL, -1);
		scn_record(s);
		if (attack) {
			ldns_pkt *p = denial_msg(s, z, "a.example.", "TXT", 1);
			pk_add(p, LDNS_SECTION_AUTHORITY, expanded_nsec(z, "!.example."));
		}
		emit(s);
	}
}

/* Finding 1, NODATA: a.example. holds a TXT record; the forgery denies it
 * with *.example.'s NSEC (bitmap A RRSIG NSEC) re-owned to a.example. */
static void wc_nodata(const char *name, const char *q, const char *t, const char *twin)
{
	for (int attack = 0; attack < 2; attack++) {
		char tw[96];
		snprintf(tw, sizeof tw, "twin of %s", name);
		gscn *s = scn_new(attack ? name : twin,
				  attack ? "RFC 4035 5.3.2 / RFC 4034 3.1.3: a wildcard-expanded NSEC "
					   "(RRSIG labels < owner labels) is no NODATA proof for the "
					   "expanded name" : tw, attack ? twin : NULL);
		gzone *z = gz_new(s, "example.", 13, NULL, 0);
		gz_add(z, "* 300 IN A 192.0.2.1");
		gz_add(z, "a 300 IN TXT \"real\"");
		gz_add(z, "mx 300 IN A 192.0.2.25");
		gz_add(z, "_25._tcp.mx 300 IN TLSA 3 1 1 "
			  "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1");
		scn_ask(s, q, t, attack ? "bogus" : "secure", NULL, -1);
		scn_record(s);
		if (attack) {
			ldns_pkt *p = denial_msg(s, z, q, t, 0);
			pk_add(p, LDNS_SECTION_AUTHORITY, expanded_nsec(z, q));
		}
		emit(s);
	}
}

/* Finding 1, no-DS: *.example. owns an NS set (a delegation of the
 * literal '*' label only, RFC 4592 4.2), so its signed NSEC shows NS
 * without DS; re-owned to sub.example. it looks like an insecure
 * delegation of the signed child sub.example.  direct: the same NSEC as
 * the NODATA answer to the question "sub.example. DS" itself (issue 10,
 * differential finding F4: "ins.dplab DS"), where it would pass as the
 * wildcard NODATA of *.example. */
static void wc_nods(int direct)
{
	const char *an = direct ? "wc-expanded-nsec-direct-ds" : "wc-expanded-nsec-no-ds";
	const char *tw = direct ? "wc-ns-child-ds-twin" : "wc-ns-child-twin";
	for (int attack = 0; attack < 2; attack++) {
		char twof[96];
		snprintf(twof, sizeof twof, "twin of %s", an);
		gscn *s = scn_new(attack ? an : tw,
				  attack ? "RFC 4592 4.2 / RFC 4035 5.3.2: a wildcard cannot create a "
					   "delegation, so a wildcard-expanded NSEC showing NS without DS "
					   "is no proof of an insecure delegation"
					 : twof, attack ? tw : NULL);
		gzone *z = gz_new(s, "example.", 8, NULL, 0);
		gz_add(z, "* 3600 IN NS ns1.elsewhere.example.");
		gz_add(z, "zz 300 IN A 192.0.2.82");
		gzone *c = gz_new(s, "sub.example.", 13, z, 0);
		gz_add(c, "www 300 IN A 192.0.2.81");
		scn_ask(s, direct ? "sub.example." : "www.sub.example.", direct ? "DS" : "A",
			attack ? "bogus" : "secure", NULL, -1);
		scn_record(s);
		if (attack) {
			ldns_pkt *p = denial_msg(s, z, "sub.example.", "DS", 0);
			if (direct) {
				/* the wildcard's NSEC of the zone before sub.example.
				 * was delegated: its next name lies beyond it */
				ldns_rr_list *w = gz_sign_text(z, 0, 0, "*.example. 3600 IN NSEC "
							       "zz.example. NS RRSIG NSEC");
				rl_rename(w, "sub.example.");
				pk_add(p, LDNS_SECTION_AUTHORITY, w);
			} else {
				pk_add(p, LDNS_SECTION_AUTHORITY, expanded_nsec(z, "sub.example."));
			}
			if (!direct)
				pk_drop(scn_msg(s, "www.sub.example.", "A"), LDNS_SECTION_ANSWER,
					NULL, LDNS_RR_TYPE_RRSIG, 0);
		}
		emit(s);
	}
}

/* Differential finding F1: a wildcard answer whose wildcard sits below the
 * closest encloser that its own NSEC proves.  The zone once held
 * *._tcp.mx.example. TLSA (the twin); the attacker replays that signed
 * expansion after the wildcard is gone, with today's NSEC of mx.example.,
 * which covers the next closer name -- and _tcp.mx.example. too, so the
 * closest encloser is mx.example. and *._tcp.mx.example. cannot exist
 * (RFC 4592 3.3.1, RFC 4035 5.3.4): a DANE downgrade to the attacker's
 * TLSA. */
static void wc_below_ce(void)
{
	static const char tlsa[] = "3 1 1 "
		"8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";
	for (int attack = 0; attack < 2; attack++) {
		gscn *s = scn_new(attack ? "wc-answer-below-closest-encloser" : "wc-tlsa-answer-twin",
				  attack ? "RFC 4592 3.3.1 / RFC 4035 5.3.4: the source of synthesis is "
					   "*.<closest encloser>; a wildcard below the closest encloser "
					   "the NSEC proves cannot exist"
					 : "twin of wc-answer-below-closest-encloser",
				  attack ? "wc-tlsa-answer-twin" : NULL);
		gzone *z = gz_new(s, "example.", 13, NULL, 0);
		gz_add(z, "mx 300 IN A 192.0.2.25");
		gz_add(z, "zz 300 IN A 192.0.2.26");
		if (!attack)
			gz_add(z, "*._tcp.mx 300 IN TLSA %s", tlsa);
		scn_ask(s, "_25._tcp.mx.example.", "TLSA", attack ? "bogus" : "secure",
			attack ? "closest encloser" : NULL, -1);
		scn_record(s);
		if (attack) {
			ldns_pkt *p = scn_msg(s, "_25._tcp.mx.example.", "TLSA");
			pk_clear(p, LDNS_SECTION_ANSWER);
			pk_clear(p, LDNS_SECTION_AUTHORITY);
			ldns_pkt_set_rcode(p, LDNS_RCODE_NOERROR);
			ldns_rr_list *w = gz_sign_text(z, 0, 0, "*._tcp.mx.example. 300 IN TLSA %s",
						       tlsa);
			rl_rename(w, "_25._tcp.mx.example.");
			pk_add(p, LDNS_SECTION_ANSWER, w);
			ldns_rdf *q = dn("_25._tcp.mx.example.");
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec_cover(z, q));
			ldns_rdf_deep_free(q);
		}
		emit(s);
	}
}

/* Finding 4: a DNAME synthesised from *.example. DNAME (RFC 4592 4.4: a
 * DNAME at a wildcard is not used for synthesis; RFC 6672 5.3). */
static void wc_dname(void)
{
	for (int attack = 0; attack < 2; attack++) {
		gscn *s = scn_new(attack ? "wc-expanded-dname" : "dname-twin",
				  attack ? "RFC 4592 4.4 / RFC 6672 5.3: a DNAME whose RRSIG labels field "
					   "is below its owner's label count was expanded from a wildcard "
					   "DNAME, which is never used for synthesis"
					 : "twin of wc-expanded-dname", attack ? "dname-twin" : NULL);
		gzone *z = gz_new(s, "example.", 15, NULL, 0);
		gz_add(z, attack ? "* 300 IN DNAME tgt.example." : "a 300 IN DNAME tgt.example.");
		gz_add(z, "www.tgt 300 IN A 192.0.2.7");
		scn_ask(s, "www.a.example.", "A", attack ? "bogus" : "secure", NULL, -1);
		scn_record(s);
		if (attack) {
			ldns_pkt *p = scn_msg(s, "www.a.example.", "A");
			pk_clear(p, LDNS_SECTION_ANSWER);
			pk_clear(p, LDNS_SECTION_AUTHORITY);
			ldns_pkt_set_rcode(p, LDNS_RCODE_NOERROR);
			ldns_rr_list *d = gz_get(z, "*.example.", LDNS_RR_TYPE_DNAME);
			rl_rename(d, "a.example.");
			pk_add(p, LDNS_SECTION_ANSWER, d);
			ldns_rr *cn = NULL;
			ldns_rr_new_frm_str(&cn, "www.a.example. 300 IN CNAME www.tgt.example.", 300,
					    NULL, NULL);
			ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, cn);
			pk_add(p, LDNS_SECTION_ANSWER, gz_get(z, "www.tgt.example.", LDNS_RR_TYPE_A));
			/* the proof a wildcard answer would carry: a.example. does not exist */
			ldns_rdf *a = dn("a.example.");
			pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec_cover(z, a));
			ldns_rdf_deep_free(a);
		}
		emit(s);
	}
}

/* RFC 4035 5.3.4: a wildcard answer must come with the proof that the
 * name itself does not exist (NSEC) or that the next closer name does not
 * (NSEC3, RFC 5155 8.8).  The attack drops it: then the answer could be a
 * wildcard expansion replayed over a name that exists. */
static void wc_noproof(int nsec3)
{
	const char *an = nsec3 ? "wc-answer-without-nsec3-proof" : "wc-answer-without-nsec-proof";
	const char *tw = nsec3 ? "wc-answer-nsec3-twin" : "wc-answer-nsec-twin";
	for (int attack = 0; attack < 2; attack++) {
		char twof[96];
		snprintf(twof, sizeof twof, "twin of %s", an);
		gscn *s = scn_new(attack ? an : tw,
				  attack ? (nsec3 ? "RFC 5155 8.8 / RFC 4035 5.3.4: a wildcard answer "
						    "needs the NSEC3 covering the next closer name"
						  : "RFC 4035 5.3.4: a wildcard answer needs the NSEC "
						    "proving the expanded name does not exist")
					 : twof, attack ? tw : NULL);
		gzone *z = gz_new(s, "example.", nsec3 ? 13 : 8, NULL, 0);
		if (nsec3)
			gz_nsec3(z, 5, "a1b2");
		gz_add(z, "*.w 300 IN TXT \"wild\"");
		gz_add(z, "x.w 300 IN TXT \"exists\"");
		scn_ask(s, "b.w.example.", "TXT", attack ? "bogus" : "secure", NULL, -1);
		scn_record(s);
		if (attack)
			pk_clear(scn_msg(s, "b.w.example.", "TXT"), LDNS_SECTION_AUTHORITY);
		emit(s);
	}
}

/* The wildcard's data replayed over a name that exists: the only NSEC the
 * attacker has for that name matches it, it covers nothing. */
static void wc_over_existing(void)
{
	gscn *s = scn_new("wc-replayed-over-existing-name", "RFC 4035 5.3.4 / RFC 4592 2.2.1: a "
			  "wildcard answers only names that do not exist; an NSEC matching the name "
			  "proves it exists", "wc-nodata-twin");
	gzone *z = gz_new(s, "example.", 13, NULL, 0);
	gz_add(z, "* 300 IN A 192.0.2.1");
	gz_add(z, "a 300 IN TXT \"real\"");
	gz_add(z, "mx 300 IN A 192.0.2.25");
	gz_add(z, "_25._tcp.mx 300 IN TLSA 3 1 1 "
		  "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1");
	scn_ask(s, "a.example.", "A", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = scn_msg(s, "a.example.", "A");
	pk_clear(p, LDNS_SECTION_ANSWER);
	pk_clear(p, LDNS_SECTION_AUTHORITY);
	ldns_pkt_set_rcode(p, LDNS_RCODE_NOERROR);
	ldns_rr_list *w = gz_get(z, "*.example.", LDNS_RR_TYPE_A);
	rl_rename(w, "a.example.");
	pk_add(p, LDNS_SECTION_ANSWER, w);
	ldns_rdf *a = dn("a.example.");
	pk_add(p, LDNS_SECTION_AUTHORITY, gz_nsec_cover(z, a));
	ldns_rdf_deep_free(a);
	emit(s);
}

/* NXDOMAIN in a zone with a wildcard: the wildcard's own NSEC "covers"
 * the name but shows the wildcard exists (RFC 4035 5.4, RFC 4592 4.1). */
static void wc_exists_nxdomain(void)
{
	gscn *s = scn_new("nxdomain-despite-wildcard", "RFC 4035 5.4 / RFC 4592 4.1: NXDOMAIN "
			  "needs proof that no wildcard could answer; an NSEC at the wildcard "
			  "proves one exists", "wc-answer-twin");
	gzone *z = gz_new(s, "example.", 8, NULL, 0);
	gz_add(z, "* 300 IN TXT \"wild\"");
	gz_add(z, "z 300 IN A 192.0.2.26");
	scn_ask(s, "a.example.", "TXT", "bogus", NULL, -1);
	scn_record(s);
	ldns_pkt *p = denial_msg(s, z, "a.example.", "TXT", 1);
	pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "*.example.", LDNS_RR_TYPE_NSEC));
	pk_add(p, LDNS_SECTION_AUTHORITY, gz_get(z, "example.", LDNS_RR_TYPE_NSEC));
	emit(s);
}

void scen_wildcard(void)
{
	wc_nxdomain();
	wc_nodata("wc-expanded-nsec-nodata", "a.example.", "TXT", "wc-nodata-twin");
	wc_nodata("wc-expanded-nsec-tlsa-nodata", "_25._tcp.mx.example.", "TLSA", "tlsa-twin");
	wc_nods(0);
	wc_nods(1);
	wc_below_ce();
	wc_dname();
	wc_noproof(0);
	wc_noproof(1);
	wc_over_existing();
	wc_exists_nxdomain();
}
