/*
 * bootstrap.h - trust anchors from IANA's signed root-anchors.xml
 * (RFC 9718): fetch (libcurl) or read the document and its detached
 * S/MIME signature root-anchors.p7s, verify the signature with OpenSSL CMS
 * against the ICANN root CA, and only then parse it (validator/rootxml.c).
 *
 * Failure policy: any failure (fetch, size, signature, certificate time,
 * signer, XML, no KeyDigest valid now) returns an error with a reason and
 * produces no anchors; the caller's anchors and state file stay untouched.
 */
#ifndef DP_BOOTSTRAP_H
#define DP_BOOTSTRAP_H

#include <stdint.h>
#include <stdio.h>
#include <ldns/ldns.h>
#include "validator/dp_err.h"
#include "validator/rfc5011.h"
#include "validator/rootxml.h"
#include "probe/util/builtin.h"

#define BOOTSTRAP_DEFAULT_URL "https://data.iana.org/root-anchors/root-anchors.xml"
#define BOOTSTRAP_SIGNER "dnssec@iana.org"
/* The state file when neither --state nor anchors.state_file is given
 * (DP_STATEDIR comes from the Makefile's LOCALSTATEDIR). */
#define ANCHOR_STATE_DEFAULT DP_STATEDIR "/root.anchors"

typedef struct bootstrap_opts {
	const char *url;          /* https:// or file:// URL of the XML; the
				   * signature is the same URL with .p7s for .xml */
	const char *xml_path;     /* or a local pair (url NULL) */
	const char *p7s_path;
	const char *ca_path;      /* PEM file: the CA certificates to trust, */
	const char *ca_pem;       /* or (ca_path NULL) their PEM text: the
				   * built-in ICANN root CA, dp_builtin_icann_ca */
	const char *signer_email; /* required emailAddress in the signer's
				   * subject (BOOTSTRAP_SIGNER), or NULL */
	const char *tls_cainfo;   /* CA bundle for HTTPS itself, NULL = system */
	int64_t now;              /* certificate and KeyDigest validity time */
	long timeout_ms;          /* whole transfer; 0 = 20000 */
} bootstrap_opts;

/*
 * Verify the detached CMS signature p7s (DER or PEM) over xml (CMS_DETACHED
 * | CMS_BINARY) with the CA certificates of o (ca_path, else ca_pem) at
 * time o->now (X509 store time), and the signer's emailAddress when
 * o->signer_email is set.  DP_OK, DP_EVERIFY (bad signature, unknown or
 * expired signer: err says which), DP_EPARSE (p7s is not CMS), DP_EIO (CA
 * file unreadable or without a certificate).
 */
int bootstrap_verify(const bootstrap_opts *o, const char *xml, size_t xml_len,
		     const char *p7s, size_t p7s_len, char *err, size_t errlen);

/*
 * Fetch or read, verify, parse.  *ds_out gets the DS records of "."
 * valid at o->now (malloced, ldns_rr_list_deep_free).  stats may be NULL.
 * Writes *ds_out only on success.
 */
int bootstrap_run(const bootstrap_opts *o, ldns_rr_list **ds_out, rootxml_stats *stats,
		  char *err, size_t errlen);

/*
 * A fresh trust point for "." from bootstrapped DS records: each DS in
 * Valid state, except one naming a key that old (may be NULL) knows as
 * revoked (a revoked key never comes back, RFC 5011 section 2.1); old's
 * Revoked and Removed keys are carried over so that stays true.  note gets
 * what was skipped.  DP_ENOTFOUND when no DS is left.
 */
int bootstrap_state(const rfc5011_tp *old, const ldns_rr_list *ds, int64_t now,
		    rfc5011_tp **out, char *note, size_t notelen);

#endif
