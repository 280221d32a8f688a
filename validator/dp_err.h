/*
 * dp_err.h - the one error type of daneprobe.
 *
 * 0 is success; every other value names one failure.  Library boundaries
 * translate into these codes (OpenSSL and libyaml return 1 for success,
 * ldns returns ldns_status, libcurl CURLcode): nothing outside the module
 * that calls a library ever sees that library's own codes.
 *
 * DNSSEC verdicts (secure/insecure/bogus/indeterminate, see val.h) are not
 * errors: a bogus answer is a successful validation with a bad result.
 * These codes are for operations that could not be carried out.
 */
#ifndef DP_ERR_H
#define DP_ERR_H

typedef enum dp_err {
	DP_OK = 0,
	DP_ENOMEM,        /* out of memory */
	DP_EINVAL,        /* bad argument or usage */
	DP_EPARSE,        /* malformed input (DNS message, YAML, XML, state file, SMTP reply) */
	DP_ETIMEOUT,      /* no answer within the timeout (transient) */
	DP_ENET,          /* network error: refused, unreachable, reset (transient) */
	DP_ETRUNC,        /* truncated answer and no way to get the whole one */
	DP_EIO,           /* file read/write error */
	DP_ECRYPTO,       /* the crypto library failed (not a bad signature) */
	DP_EUNSUPPORTED,  /* algorithm/digest/feature not supported here */
	DP_ENOTFOUND,     /* the thing asked for does not exist */
	DP_ECONFIG,       /* bad configuration */
	DP_ELOCKED,       /* another process holds the lock */
	DP_EVERIFY,       /* a signature, digest or certificate did not verify */
	DP_ETLS,          /* TLS handshake or I/O failure */
	DP_ESMTP,         /* SMTP protocol failure */
	DP_EPROTO,        /* peer violated its protocol (wrong ID, garbage, loops) */
	DP_ELIMIT,        /* a limit was reached (size, count, depth, iterations) */
	DP_ECHANGED,      /* a file changed since it was read: not overwritten */
	DP_ERR_MAX
} dp_err;

/* A static, human-readable name for err; never NULL. */
const char *dp_strerror(int err);

#endif
