/*
 * resolvload.c - read a host's resolvers from where they are configured
 * (resolvload.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/util/fileio.h"
#include "probe/util/resolvload.h"
#include "probe/util/resolvsrc.h"
#include "probe/util/rewrite.h"
#include "probe/util/strbuf.h"

#define RESOLVED_MAIN "/etc/systemd/resolved.conf"
#define RESOLVED_MAX_FILES 32

static const struct { const char *word; dp_rsrc_kind kind; const char *path; } kinds[] = {
	{ "resolv.conf", DP_RSRC_RESOLV, "/etc/resolv.conf" },
	{ "resolved", DP_RSRC_RESOLVED, RESOLVED_MAIN },
	{ "unbound", DP_RSRC_UNBOUND, "/etc/unbound/unbound.conf" },
	{ "dnsmasq", DP_RSRC_DNSMASQ, "/etc/dnsmasq.conf" },
};

int dp_rsrc_spec(const char *spec, dp_rsrc_kind *kind, const char **path, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i].word);
		if (strncmp(spec, kinds[i].word, n) != 0 || (spec[n] != '\0' && spec[n] != ':'))
			continue;
		if (spec[n] == ':' && spec[n + 1] == '\0')
			break;
		*kind = kinds[i].kind;
		*path = spec[n] == ':' ? spec + n + 1 : kinds[i].path;
		return 0;
	}
	dp_errf(err, errlen, "'%s' is not a resolver source: use resolv.conf, resolved, unbound or dnsmasq, "
		"each optionally followed by :FILE", spec);
	return -1;
}

void dp_rsrc_free(dp_rsrc *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->servers[i].address);
	free(r->servers);
	free(r->path);
	free(r->write_path);
	free(r->write_text);
	free(r);
}

static int add_server(dp_rsrc *r, const char *addr, const char *role, int orderable)
{
	dp_rsrc_server *s = realloc(r->servers, (r->n + 1) * sizeof(*s));

	if (s == NULL)
		return DP_ENOMEM;
	r->servers = s;
	if ((s[r->n].address = strdup(addr)) == NULL)
		return DP_ENOMEM;
	s[r->n].role = role;
	s[r->n].orderable = orderable;
	r->n++;
	return DP_OK;
}

/* ---- systemd-resolved: resolved.conf and its drop-ins ---- */

typedef struct rfiles {
	char *path[RESOLVED_MAX_FILES];
	size_t n;
} rfiles;

static int cmp_base(const void *a, const void *b)
{
	const char *x = strrchr(*(char *const *)a, '/'), *y = strrchr(*(char *const *)b, '/');

	return strcmp(x ? x + 1 : *(char *const *)a, y ? y + 1 : *(char *const *)b);
}

/* The *.conf of dir not masked by a same-named file seen before. */
static void dropins_from(rfiles *f, size_t first, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL && f->n < RESOLVED_MAX_FILES) {
		size_t l = strlen(de->d_name);
		int masked = 0;
		if (l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0)
			continue;
		for (size_t i = first; i < f->n; i++)
			masked |= strcmp(strrchr(f->path[i], '/') + 1, de->d_name) == 0;
		if (!masked && asprintf(&f->path[f->n], "%s/%s", dir, de->d_name) > 0)
			f->n++;
	}
	closedir(d);
}

/* The files systemd reads for main, in its order (systemd.unit(5)
 * "drop-in" rules, as `systemd-analyze cat-config systemd/resolved.conf`
 * lists them): main, then the drop-ins of /etc, /run, /usr/local/lib and
 * /usr/lib sorted by file name, a name in an earlier directory masking
 * the same name in a later one.  Under another root (main ends in
 * /etc/systemd/resolved.conf) the same directories below that root; any
 * other path: only main and main.d/. */
static void resolved_files(const char *main, rfiles *f)
{
	static const char *const dirs[] = { "/etc", "/run", "/usr/local/lib", "/usr/lib" };
	size_t ml = strlen(main), rl = strlen(RESOLVED_MAIN);
	char dir[4096];

	f->n = 0;
	if ((f->path[0] = strdup(main)) == NULL)
		return;
	f->n = 1;
	if (ml >= rl && strcmp(main + ml - rl, RESOLVED_MAIN) == 0) {
		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			snprintf(dir, sizeof(dir), "%.*s%s/systemd/resolved.conf.d", (int)(ml - rl), main, dirs[i]);
			dropins_from(f, 1, dir);
		}
	} else {
		snprintf(dir, sizeof(dir), "%s.d", main);
		dropins_from(f, 1, dir);
	}
	qsort(f->path + 1, f->n - 1, sizeof(f->path[0]), cmp_base);
}

static void rfiles_free(rfiles *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->path[i]);
	f->n = 0;
}

/* Where the rewrite of DNS= goes: the one file that holds every
 * effective DNS= entry, else a reason in r->refuse. */
static void resolved_write_target(dp_rsrc *r, const rfiles *f, const size_t *file_of, size_t nfile_of)
{
	size_t file = (size_t)-1;
	int several = 0;

	for (size_t i = 0; i < nfile_of; i++) {
		if (file != (size_t)-1 && file_of[i] != file)
			several = 1;
		file = file_of[i];
	}
	if (file == (size_t)-1) {
		snprintf(r->refuse, sizeof(r->refuse), "%s and its drop-ins set no DNS=: systemd-resolved asks the "
			 "servers of each network link (DHCP, NetworkManager, systemd-networkd); set their order "
			 "there, or list the servers in DNS= of %s", f->path[0], f->path[0]);
	} else if (several) {
		snprintf(r->refuse, sizeof(r->refuse), "the DNS= servers are set in more than one file (%s and "
			 "drop-ins): reorder them by hand as recommended (systemd-analyze cat-config "
			 "systemd/resolved.conf shows them all)", f->path[0]);
	} else if (dp_read_file(f->path[file], &r->write_text, &r->write_len, NULL, 0) == DP_OK) {
		r->write_path = strdup(f->path[file]);
		r->write_kind = DP_RSRC_RESOLVED;
	}
}

/* Append the servers of resolved.conf (and drop-ins) at main to r. */
static int load_resolved(dp_rsrc *r, const char *main, const char *dns_role, const char *fb_role,
			 char *err, size_t errlen)
{
	dp_sbuf all = { 0 };
	rfiles f;
	dp_rsrc_entry e[DP_RSRC_MAX];
	size_t start[RESOLVED_MAX_FILES + 1], file_of[DP_RSRC_MAX], n, nd = 0;
	int rc = DP_OK, read_any = 0;

	resolved_files(main, &f);
	for (size_t i = 0; i < f.n; i++) {
		char *t = NULL;
		size_t l = 0;
		start[i] = all.len;
		/* A section does not run on into the next file. */
		dp_sbuf_add(&all, "\n[-]\n", 5);
		if (dp_read_file(f.path[i], &t, &l, i == 0 ? err : NULL, i == 0 ? errlen : 0) == DP_OK) {
			dp_sbuf_add(&all, t, l);
			read_any = 1;
		}
		free(t);
	}
	start[f.n] = all.len;
	if (!read_any || all.failed) {
		rfiles_free(&f);
		dp_sbuf_clear(&all);
		return DP_EIO;
	}
	n = dp_rsrc_scan(DP_RSYN_RESOLVED, all.p ? all.p : "", all.len, e, DP_RSRC_MAX, NULL);
	for (int pass = 0; pass < 2 && rc == DP_OK; pass++)
		for (size_t i = 0; i < n && rc == DP_OK; i++) {
			if (e[i].fallback != pass)
				continue;
			rc = add_server(r, e[i].addr, pass ? fb_role : dns_role, !pass);
			if (!pass) {
				size_t k = 0;
				while (k + 1 < f.n && e[i].start >= start[k + 1])
					k++;
				file_of[nd++] = k;
			}
		}
	if (rc == DP_OK)
		resolved_write_target(r, &f, file_of, nd);
	rfiles_free(&f);
	dp_sbuf_clear(&all);
	return rc;
}

/* ---- resolv.conf, and systemd-resolved's stub ---- */

/* 127.0.0.53 is resolved's stub listener, 127.0.0.54 its "proxy" stub
 * (resolved.conf(5) DNSStubListener=). */
static int is_stub(const char *a)
{
	return strcmp(a, "127.0.0.53") == 0 || strcmp(a, "127.0.0.53:53") == 0 ||
	       strcmp(a, "127.0.0.54") == 0 || strcmp(a, "127.0.0.54:53") == 0;
}

/* glibc asks the nameservers in order unless "options rotate". */
static int has_rotate(const char *t, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *p = t + pos, *nl = memchr(p, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - p) : len - pos;
		if (l > 8 && strncmp(p, "options", 7) == 0 && memmem(p, l, "rotate", 6) != NULL)
			return 1;
		pos += l + 1;
	}
	return 0;
}

/* The servers behind the stub: resolved.conf's, else the per-link list
 * resolved itself writes. */
static int load_behind_stub(dp_rsrc *r)
{
	const char *main = getenv("DANEPROBE_RESOLVED_CONF") ? getenv("DANEPROBE_RESOLVED_CONF") : RESOLVED_MAIN;
	size_t before = r->n;
	int rc = load_resolved(r, main, "behind the stub: resolved.conf DNS=",
			       "behind the stub: resolved.conf FallbackDNS=", NULL, 0);

	if (rc == DP_ENOMEM)
		return rc;
	if (r->n == before) {
		char *t = NULL, **v = NULL;
		size_t l = 0, n = 0;
		if (dp_read_file("/run/systemd/resolve/resolv.conf", &t, &l, NULL, 0) == DP_OK)
			n = dp_resolv_conf_parse(t, l, &v);
		for (size_t i = 0; n != (size_t)-1 && i < n && rc != DP_ENOMEM; i++)
			rc = add_server(r, v[i], "behind the stub: per-link (/run/systemd/resolve/resolv.conf)", 0);
		dp_strings_free(v, n == (size_t)-1 ? 0 : n);
		free(t);
	}
	snprintf(r->note, sizeof(r->note), "%s names 127.0.0.53, systemd-resolved's stub: programs on this host "
		 "(the MTA too) get its answers, and it forwards to %s. probe asks the stub (as the primary) "
		 "and those servers; order ranks the DNS= servers, whose order resolved follows. Whether the "
		 "MTA gets DNSSEC records and the AD bit depends on the stub too (resolved.conf DNSSEC=).",
		 r->path, r->n > before ? "the servers of resolved.conf" : "servers daneprobe could not find "
		 "(no DNS= in resolved.conf, no /run/systemd/resolve/resolv.conf)");
	snprintf(r->refuse, sizeof(r->refuse), "%s names systemd-resolved's stub (127.0.0.53): the order that "
		 "counts is DNS= in %s; run daneprobe --resolvers-from resolved order --write to change it",
		 r->path, main);
	free(r->write_path);
	free(r->write_text);
	r->write_path = r->write_text = NULL;
	return DP_OK;
}

static int load_resolv(dp_rsrc *r, char *err, size_t errlen)
{
	char *t = NULL, **v = NULL, why[1024];
	size_t l = 0, n;
	int rc = DP_OK;

	if ((rc = dp_read_file(r->path, &t, &l, err, errlen)) != DP_OK)
		return rc;
	n = dp_resolv_conf_parse(t, l, &v);
	if (n == (size_t)-1) {
		free(t);
		return DP_ENOMEM;
	}
	for (size_t i = 0; i < n && rc == DP_OK; i++) {
		r->stub |= is_stub(v[i]);
		rc = add_server(r, v[i], is_stub(v[i]) ? "systemd-resolved stub" : "nameserver", 1);
	}
	dp_strings_free(v, n);
	if (rc == DP_OK && r->stub) {
		for (size_t i = 0; i < r->n; i++)
			r->servers[i].orderable = 0;
		free(t);
		return load_behind_stub(r);
	}
	if (has_rotate(t, l))
		snprintf(r->note, sizeof(r->note), "%s has \"options rotate\": the C library spreads queries over "
			 "all nameservers, so every one of them must be DANE-safe, whatever the order", r->path);
	if (dp_resolv_conf_managed(r->path, t, l, why, sizeof(why))) {
		snprintf(r->refuse, sizeof(r->refuse), "%s", why);
		free(t);
	} else {
		r->write_path = strdup(r->path);
		r->write_text = t;
		r->write_len = l;
		r->write_kind = DP_RSRC_RESOLV;
	}
	return rc;
}

/* ---- unbound and dnsmasq: servers not asked in the order written ---- */

static int load_fwd(dp_rsrc *r, char *err, size_t errlen)
{
	dp_rsrc_entry e[DP_RSRC_MAX];
	dp_rsrc_flags fl;
	char *t = NULL;
	size_t l = 0, n;
	int rc, ub = r->kind == DP_RSRC_UNBOUND;

	if ((rc = dp_read_file(r->path, &t, &l, err, errlen)) != DP_OK)
		return rc;
	n = dp_rsrc_scan(ub ? DP_RSYN_UNBOUND : DP_RSYN_DNSMASQ, t, l, e, DP_RSRC_MAX, &fl);
	free(t);
	for (size_t i = 0; i < n && rc == DP_OK; i++)
		rc = add_server(r, e[i].addr, ub ? "unbound forward-addr" : "dnsmasq server=", 1);
	if (ub) {
		snprintf(r->note, sizeof(r->note), "unbound picks among the forward-addr servers of zone \".\" by "
			 "round-trip time, not in the order written: every one of them must be DANE-safe%s%s",
			 fl.tls_upstream ? "; forward-tls-upstream is on, so unbound asks them over TLS (port 853 "
			 "unless @PORT) while daneprobe asks plain DNS on the port written" : "",
			 fl.skipped ? "; forward-host names and entries that are not addresses were left out" : "");
		snprintf(r->refuse, sizeof(r->refuse), "unbound does not ask forward-addr servers in the order "
			 "written, so there is no order to write: remove or fix the ones that are not DANE-safe in %s "
			 "(unbound-checkconf checks the result)", r->path);
	} else {
		snprintf(r->note, sizeof(r->note), "%s%s",
			 fl.strict_order ? "dnsmasq has strict-order: it tries the servers in turn" :
			 "dnsmasq sends each query to the server it finds fastest (and to all of them at times), "
			 "not in the order written: every one of them must be DANE-safe",
			 fl.no_resolv ? "" : "; without no-resolv it also uses the servers of its resolv-file "
			 "(default /etc/resolv.conf)");
		snprintf(r->refuse, sizeof(r->refuse), "daneprobe does not rewrite dnsmasq configurations: %s in %s "
			 "(dnsmasq --test -C FILE checks the result)",
			 fl.strict_order ? "put the server= lines in the recommended order by hand"
			 : "without strict-order the order does not count; remove or fix the servers that are not "
			 "DANE-safe", r->path);
	}
	return rc;
}

int dp_rsrc_load(dp_rsrc_kind kind, const char *path, dp_rsrc **out, char *err, size_t errlen)
{
	dp_rsrc *r = calloc(1, sizeof(*r));
	int rc;

	if (r == NULL || (r->path = strdup(path)) == NULL) {
		free(r);
		return DP_ENOMEM;
	}
	r->kind = kind;
	if (kind == DP_RSRC_RESOLV) {
		rc = load_resolv(r, err, errlen);
	} else if (kind == DP_RSRC_RESOLVED) {
		rc = load_resolved(r, path, "resolved.conf DNS=", "resolved.conf FallbackDNS=", err, errlen);
		if (rc == DP_OK && r->n > 0)
			snprintf(r->note, sizeof(r->note), "systemd-resolved asks the DNS= servers first and "
				 "FallbackDNS= only when no other server is known; programs reach it through its stub "
				 "127.0.0.53, so probe that too to see what the MTA gets");
	} else {
		rc = load_fwd(r, err, errlen);
	}
	if (rc == DP_OK && r->n == 0) {
		dp_errf(err, errlen, "%s names no resolver (%s)", path,
			kind == DP_RSRC_RESOLV ? "no nameserver lines" : kind == DP_RSRC_RESOLVED ?
			"no DNS= or FallbackDNS= in [Resolve], drop-ins included" : kind == DP_RSRC_UNBOUND ?
			"no forward-addr in a forward-zone named \".\": unbound resolves from the root itself; "
			"probe it at its own address" : "no server= line without a /domain/");
		rc = DP_ENOTFOUND;
	}
	if (rc != DP_OK) {
		dp_rsrc_free(r);
		return rc;
	}
	*out = r;
	return DP_OK;
}
