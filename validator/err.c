/* err.c - names for the project's error codes. */
#include "validator/dp_err.h"

static const char *const dp_err_names[DP_ERR_MAX] = {
	[DP_OK] = "success",
	[DP_ENOMEM] = "out of memory",
	[DP_EINVAL] = "invalid argument",
	[DP_EPARSE] = "malformed input",
	[DP_ETIMEOUT] = "timed out",
	[DP_ENET] = "network error",
	[DP_ETRUNC] = "truncated answer",
	[DP_EIO] = "input/output error",
	[DP_ECRYPTO] = "crypto library error",
	[DP_EUNSUPPORTED] = "not supported",
	[DP_ENOTFOUND] = "not found",
	[DP_ECONFIG] = "configuration error",
	[DP_ELOCKED] = "locked by another process",
	[DP_EVERIFY] = "verification failed",
	[DP_ETLS] = "TLS error",
	[DP_ESMTP] = "SMTP error",
	[DP_EPROTO] = "protocol violation",
	[DP_ELIMIT] = "limit reached",
	[DP_ECHANGED] = "changed since it was read",
};

const char *dp_strerror(int err)
{
	if (err < 0 || err >= DP_ERR_MAX || dp_err_names[err] == 0)
		return "unknown error";
	return dp_err_names[err];
}
