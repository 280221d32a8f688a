/*
 * builtin.h - what is compiled into the program, so that nothing it needs
 * at run time lives in the source tree (issue 11).
 *
 * The texts are generated at build time by probe/util/embed.sh from the
 * files named below; those files stay the one place to edit them.  The
 * install paths come from the Makefile (SYSCONFDIR, LOCALSTATEDIR).
 */
#ifndef DP_BUILTIN_H
#define DP_BUILTIN_H

/* configs/root-anchors.ds: the DS records of the root KSKs (KSK-2017,
 * KSK-2024) in zone-file format, the anchors used when no RFC 5011 state
 * file can be read. */
extern const char dp_builtin_root_ds[];
/* configs/icann-root-ca.pem: the ICANN root CA that signs IANA's
 * root-anchors.p7s (RFC 9718 section 3). */
extern const char dp_builtin_icann_ca[];
/* configs/probe-internet.yaml: the names `probe` asks on the Internet when
 * the configuration has no probe.names. */
extern const char dp_builtin_probe_names[];

/* How messages name them. */
#define DP_BUILTIN_ROOT_DS_NAME "the built-in root anchors"
#define DP_BUILTIN_ICANN_CA_NAME "the built-in ICANN root CA"
#define DP_BUILTIN_PROBE_NAMES_NAME "built-in probe-internet.yaml"

#ifndef DP_SYSCONFDIR
#define DP_SYSCONFDIR "/etc"
#endif
#ifndef DP_LOCALSTATEDIR
#define DP_LOCALSTATEDIR "/var"
#endif
/* The configuration read when -c is not given (optional). */
#define DP_DEFAULT_CONFIG DP_SYSCONFDIR "/daneprobe/daneprobe.yaml"
/* Where daneprobe keeps its state: the RFC 5011 state file, the last
 * check status (systemd's StateDirectory=daneprobe). */
#define DP_STATEDIR DP_LOCALSTATEDIR "/lib/daneprobe"

#endif
