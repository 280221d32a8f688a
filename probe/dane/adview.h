/*
 * adview.h - the DANE path as an AD-trusting MTA sees it (issue 14).
 *
 * Postfix (smtp_dns_support_level = dnssec), Exim and most MTAs do not
 * validate: they ask their resolver with CD=0 and believe its AD bit.
 * For each record the engine validates locally, adview asks the same
 * question that way and, when the answers differ, makes the AD view the
 * status the tables use and records the difference with what it does
 * (a Bogus TLSA handed over without AD is a downgrade; no AD at all is
 * DANE switched off).
 */
#ifndef DP_ADVIEW_H
#define DP_ADVIEW_H

#include "probe/dane/dane.h"

/* The status an AD-trusting client gets from one CD=0 answer: err the
 * query's dp_err, rcode and ad of the answer.  SERVFAIL is BOGUS (what a
 * validator says of bogus data; the MTA defers), a lost answer or a
 * refusal INDETERMINATE, NOERROR/NXDOMAIN SECURE with AD and INSECURE
 * without.  Pure. */
val_status adview_status(int err, int rcode, int ad);

/* Words for a difference (ad view vs local validation), "" when none. */
void adview_explain(val_status ad, val_status local, char *buf, size_t len);

/* Ask (name, type) of cfg->ad_server with CD=0; when its AD view differs
 * from v (local validation), record the difference in res and make v
 * say what the MTA sees (status and reason; data from the CD=0 answer
 * when local validation has none).  Does nothing when cfg->ad_server is
 * NULL.  DP_OK or DP_ENOMEM. */
int adview_apply(const dane_cfg *cfg, dane_result *res, const char *name, ldns_rr_type type,
		 val_result *v);

#endif
