/*
 * defaults.h - the defaults that more than one file needs, each said once.
 * Every place that falls back to a default, or prints it in a usage
 * text, takes it from here (DP_STR for the usage strings).
 *
 * The clock skew the validator forgives in RRSIG validity windows is not
 * here: it belongs to the validation policy (val_policy_default in
 * validator/status.c), and the battery's clock test reads it from there.
 */
#ifndef DP_DEFAULTS_H
#define DP_DEFAULTS_H

/* One DNS query, all its tries (--timeout, probe.timeout_ms).  Unbound's
 * and BIND's resolvers answer from cache in well under a second; 1.5 s
 * leaves room for one cold iteration without stalling a probe run. */
#define DP_DNS_TIMEOUT_MS 1500

/* A whole SMTP session per address: connect, banner, EHLO, STARTTLS,
 * handshake (verify --smtp-timeout).  RFC 5321 4.5.3.2 allows servers
 * minutes per step; ten seconds in all is what a probe can wait. */
#define DP_SMTP_TIMEOUT_MS 10000

/* The EHLO/HELO name when none is given (verify --helo): ".invalid" is
 * reserved (RFC 2606 section 2), so it can never name a real host. */
#define DP_HELO_NAME "daneprobe.invalid"

/* A number macro as a string literal, for usage texts. */
#define DP_STR_(x) #x
#define DP_STR(x) DP_STR_(x)

#endif
