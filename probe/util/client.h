/*
 * client.h - whose resolver?  The client model that judges a resolver
 * (issue 14, SPEC section 5 "Client models").
 *
 * local: the client validates itself from its own anchors (the appliance
 *   of the source document): the resolver must pass every DNSSEC record.
 * ad: the client trusts the resolver's AD bit (Postfix with
 *   smtp_dns_support_level = dnssec, Exim, most MTAs): only a validating,
 *   non-permissive resolver it reaches over loopback or a trusted path is
 *   safe (RFC 4035 4.9.3, RFC 6698 4.1, RFC 7672 2.2).
 *
 * Presets name a product: esa -> local, postfix and exim -> ad; postfix
 * also makes verify follow Postfix's own DANE rules where they differ
 * from the appliance's tables.
 */
#ifndef DP_CLIENT_H
#define DP_CLIENT_H

typedef enum dp_client_model { DP_CLIENT_LOCAL = 0, DP_CLIENT_AD } dp_client_model;

typedef enum dp_client_preset {
	DP_PRESET_NONE = 0,      /* "local" or "ad" given as such */
	DP_PRESET_ESA,
	DP_PRESET_POSTFIX,
	DP_PRESET_EXIM
} dp_client_preset;

typedef struct dp_client {
	dp_client_model model;
	dp_client_preset preset;
} dp_client;

/* "local", "ad", "esa", "postfix", "exim" -> *out; 0, or -1 for another
 * word (*out untouched). */
int dp_client_parse(const char *word, dp_client *out);
/* "local" or "ad" (the JSON "client" value). */
const char *dp_client_model_name(dp_client_model m);
/* "postfix", "exim", "esa", or the model name when no preset. */
const char *dp_client_name(const dp_client *c);

#endif
