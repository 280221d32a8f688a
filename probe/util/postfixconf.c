/*
 * postfixconf.c - Postfix's DANE settings (postfixconf.h).
 */
#include <ctype.h>
#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>
#include "probe/util/postfixconf.h"
#include "probe/util/fileio.h"
#include "validator/dp_err.h"

extern char **environ;

#define PF_MAP_MAX (4 * 1024 * 1024)

/* One "key value" entry of a lookup table (policy or transport). */
typedef struct pf_entry {
	char key[256];
	char value[320];
} pf_entry;

typedef struct pf_table {
	pf_entry *e;
	size_t n;
} pf_table;

static void finding(dp_postfix *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void finding(dp_postfix *p, const char *fmt, ...)
{
	va_list ap;

	if (p->n_findings >= DP_PF_MAX_FINDINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(p->findings[p->n_findings++], sizeof(p->findings[0]), fmt, ap);
	va_end(ap);
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

static int table_add(pf_table *t, const char *key, size_t klen, const char *val, size_t vlen)
{
	pf_entry *grown = realloc(t->e, (t->n + 1) * sizeof(*grown));

	if (grown == NULL)
		return DP_ENOMEM;
	t->e = grown;
	snprintf(grown[t->n].key, sizeof(grown[0].key), "%.*s", (int)klen, key);
	snprintf(grown[t->n].value, sizeof(grown[0].value), "%.*s", (int)vlen, val);
	trim(grown[t->n].key);
	trim(grown[t->n].value);
	for (char *c = grown[t->n].key; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	t->n++;
	return DP_OK;
}

/* Postfix table source text (postmap(1) input): "key value" lines, '#'
 * comments, a line starting with white space continues the previous
 * one.  Continuations are rare in policy and transport maps; they are
 * joined to the value. */
static int table_parse_text(pf_table *t, const char *text)
{
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n'), *k, *sp;
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len > 0 && line[0] != '#' && !isspace((unsigned char)line[0])) {
			k = line;
			sp = k;
			while (sp < line + len && !isspace((unsigned char)*sp))
				sp++;
			if (table_add(t, k, (size_t)(sp - k), sp, (size_t)(line + len - sp)) != DP_OK)
				return DP_ENOMEM;
		} else if (len > 0 && line[0] != '#' && t->n > 0) {
			pf_entry *last = &t->e[t->n - 1];
			size_t used = strlen(last->value);
			snprintf(last->value + used, sizeof(last->value) - used, " %.*s", (int)len, line);
			trim(last->value);
		}
		line += len + (end ? 1 : 0);
	}
	return DP_OK;
}

/* inline:{ key = value, { key = value with, commas } } (postconf(5)). */
static int table_parse_inline(pf_table *t, const char *body, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t start, stop, eq;
		int braced = 0;

		while (i < len && (isspace((unsigned char)body[i]) || body[i] == ','))
			i++;
		if (i >= len)
			break;
		if (body[i] == '{') {
			braced = 1;
			i++;
		}
		start = i;
		while (i < len && body[i] != (braced ? '}' : ','))
			i++;
		stop = i;
		if (braced && i < len)
			i++;
		for (eq = start; eq < stop && body[eq] != '='; eq++)
			;
		if (eq < stop && table_add(t, body + start, eq - start, body + eq + 1, stop - eq - 1) != DP_OK)
			return DP_ENOMEM;
	}
	return DP_OK;
}

/* A map list ("hash:/etc/postfix/tls_policy, inline:{...}") into t.
 * Types whose entries cannot be listed (regexp, pcre, ldap, ...) give a
 * finding: daneprobe cannot know their destinations. */
static int table_load(dp_postfix *p, const char *param, const char *list, pf_table *t)
{
	const char *s = list;

	while (*s) {
		const char *colon, *end;
		char type[32], path[1024];
		size_t n;

		while (*s == ',' || isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		colon = strchr(s, ':');
		if (colon == NULL)
			break;
		snprintf(type, sizeof(type), "%.*s", (int)(colon - s), s);
		if (strcmp(type, "inline") == 0 && colon[1] == '{') {
			const char *close = strchr(colon + 2, '}');
			int depth = 0;
			for (close = colon + 2; *close && (depth > 0 || *close != '}'); close++)
				depth += *close == '{' ? 1 : *close == '}' ? -1 : 0;
			if (table_parse_inline(t, colon + 2, (size_t)(close - colon - 2)) != DP_OK)
				return DP_ENOMEM;
			s = *close ? close + 1 : close;
			continue;
		}
		for (end = colon + 1; *end && *end != ',' && !isspace((unsigned char)*end); end++)
			;
		n = (size_t)(end - colon - 1);
		snprintf(path, sizeof(path), "%.*s", (int)n, colon + 1);
		s = end;
		if (strcmp(type, "hash") && strcmp(type, "btree") && strcmp(type, "lmdb") && strcmp(type, "cdb")
		    && strcmp(type, "dbm") && strcmp(type, "sdbm") && strcmp(type, "texthash")) {
			finding(p, "%s: %s:%s cannot be listed (only files and inline: tables are read): its "
				"DANE destinations are not checked", param, type, path);
			continue;
		}
		char *text = NULL, e[256];
		size_t len;
		if (dp_read_file_max(path, PF_MAP_MAX, &text, &len, e, sizeof(e)) != DP_OK) {
			finding(p, "%s: cannot read the source of %s:%s (%s): its DANE destinations are not checked",
				param, type, path, e);
			continue;
		}
		int rc = table_parse_text(t, text);
		free(text);
		if (rc != DP_OK)
			return rc;
	}
	return DP_OK;
}

/* "name = value" of postconf's output. */
static void param(const char *text, const char *name, char *out, size_t len)
{
	size_t nl = strlen(name);

	out[0] = '\0';
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *end = strchr(l, '\n');
		size_t ll = end ? (size_t)(end - l) : strlen(l);
		if (ll > nl + 2 && strncmp(l, name, nl) == 0 && strncmp(l + nl, " =", 2) == 0) {
			snprintf(out, len, "%.*s", (int)(ll - nl - 2), l + nl + 2);
			trim(out);
			return;
		}
	}
}

/* The transport_maps next hop for domain: exact key, then ".parent"
 * keys (Postfix's default parent_domain_matches_subdomains does not
 * cover transport_maps, which uses ".domain" for subdomains), then "*". */
static const char *transport_of(const pf_table *tr, const char *domain)
{
	const char *d = domain;

	for (size_t i = 0; i < tr->n; i++)
		if (strcasecmp(tr->e[i].key, domain) == 0)
			return tr->e[i].value;
	while ((d = strchr(d, '.')) != NULL) {
		for (size_t i = 0; i < tr->n; i++)
			if (strcasecmp(tr->e[i].key, d) == 0)
				return tr->e[i].value;
		d++;
	}
	for (size_t i = 0; i < tr->n; i++)
		if (strcmp(tr->e[i].key, "*") == 0)
			return tr->e[i].value;
	return NULL;
}

/* "smtp:[relay.example]:25" -> "[relay.example]:25" when bracketed. */
static const char *bracketed(const char *nexthop)
{
	const char *b = strchr(nexthop, '[');
	const char *colon = strchr(nexthop, ':');

	if (b == NULL || (colon != NULL && colon < b && colon[1] != '['))
		return NULL;
	return b;
}

static int add_dest(dp_postfix *p, const pf_entry *e, const pf_table *tr)
{
	char level[32];
	const char *route;
	dp_pf_dest *grown, *d;

	sscanf(e->value, "%31s", level);
	if (strcmp(level, "dane") != 0 && strcmp(level, "dane-only") != 0)
		return DP_OK;
	if (e->key[0] == '[' || e->key[0] == '.' || strchr(e->key, '.') == NULL)
		return DP_OK;   /* a next hop or subdomain pattern, not a destination domain */
	if ((grown = realloc(p->dests, (p->n_dests + 1) * sizeof(*grown))) == NULL)
		return DP_ENOMEM;
	p->dests = grown;
	d = &grown[p->n_dests++];
	memset(d, 0, sizeof(*d));
	snprintf(d->domain, sizeof(d->domain), "%s", e->key);
	d->mandatory = strcmp(level, "dane-only") == 0;
	route = transport_of(tr, d->domain);
	if (route != NULL && bracketed(route) != NULL)
		snprintf(d->route, sizeof(d->route), "transport_maps: %s", route);
	else if (route == NULL && p->relayhost[0] == '[')
		snprintf(d->route, sizeof(d->route), "relayhost = %s", p->relayhost);
	if (d->route[0])
		finding(p, "%s (%s) goes to %s: a [bracketed] next hop has no MX lookup, so the mail for %s "
			"gets no DANE (SMTP routes that name a host defeat DANE); route it through DNS or "
			"turn DANE off for it explicitly", d->domain, d->mandatory ? "dane-only" : "dane",
			d->route, d->domain);
	return DP_OK;
}

int dp_postfix_parse(const char *dir, const char *text, dp_postfix **out, char *err, size_t errlen)
{
	dp_postfix *p = calloc(1, sizeof(*p));
	pf_table pol = { NULL, 0 }, tr = { NULL, 0 };
	char maps[2048], tmaps[2048];
	int rc = DP_ENOMEM, dane_level;

	if (p == NULL)
		return DP_ENOMEM;
	snprintf(p->dir, sizeof(p->dir), "%s", dir);
	param(text, "smtp_dns_support_level", p->dns_support_level, sizeof(p->dns_support_level));
	param(text, "smtp_tls_security_level", p->security_level, sizeof(p->security_level));
	param(text, "relayhost", p->relayhost, sizeof(p->relayhost));
	param(text, "smtp_tls_policy_maps", maps, sizeof(maps));
	param(text, "transport_maps", tmaps, sizeof(tmaps));
	p->dnssec = strcmp(p->dns_support_level, "dnssec") == 0;
	if (table_load(p, "smtp_tls_policy_maps", maps, &pol) != DP_OK
	    || table_load(p, "transport_maps", tmaps, &tr) != DP_OK)
		goto out;
	for (size_t i = 0; i < pol.n; i++)
		if (add_dest(p, &pol.e[i], &tr) != DP_OK)
			goto out;
	dane_level = strncmp(p->security_level, "dane", 4) == 0;
	if ((p->n_dests > 0 || dane_level) && !p->dnssec)
		finding(p, "DANE is configured (%s) but smtp_dns_support_level = %s, not dnssec: Postfix "
			"ignores DNSSEC, so DANE is off (Opportunistic mail goes without it, dane-only mail "
			"is deferred); set smtp_dns_support_level = dnssec",
			dane_level ? "smtp_tls_security_level = dane" : "smtp_tls_policy_maps",
			p->dns_support_level[0] ? p->dns_support_level : "(unset)");
	*out = p;
	p = NULL;
	rc = DP_OK;
out:
	free(pol.e);
	free(tr.e);
	if (p != NULL) {
		snprintf(err, errlen, "%s: out of memory", dir);
		dp_postfix_free(p);
	}
	return rc;
}

/* postconf -c dir -x PARAMS: stdout into a malloced string. */
static int run_postconf(const char *dir, char **text, char *err, size_t errlen)
{
	char *argv[] = { "postconf", "-c", (char *)dir, "-x", "smtp_dns_support_level",
			 "smtp_tls_security_level", "smtp_tls_policy_maps", "transport_maps", "relayhost", NULL };
	posix_spawn_file_actions_t fa;
	int fd[2], status = 0;
	pid_t pid;
	size_t used = 0, cap = 8192;
	char *buf = malloc(cap);

	if (buf == NULL || pipe(fd) < 0) {
		free(buf);
		snprintf(err, errlen, "postconf: %s", strerror(errno));
		return DP_EIO;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	int rc = posix_spawnp(&pid, "postconf", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (rc != 0) {
		close(fd[0]);
		free(buf);
		snprintf(err, errlen, "cannot run postconf (%s): is Postfix installed?", strerror(rc));
		return DP_EIO;
	}
	for (ssize_t r; (r = read(fd[0], buf + used, cap - used - 1)) > 0;) {
		used += (size_t)r;
		if (used + 1 >= cap && cap < PF_MAP_MAX) {
			char *g = realloc(buf, cap * 2);
			if (g == NULL)
				break;
			buf = g;
			cap *= 2;
		}
	}
	close(fd[0]);
	buf[used] = '\0';
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(buf);
		snprintf(err, errlen, "postconf -c %s failed (exit %d): not a Postfix configuration directory?",
			 dir, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return DP_ECONFIG;
	}
	*text = buf;
	return DP_OK;
}

int dp_postfix_load(const char *dir, dp_postfix **out, char *err, size_t errlen)
{
	char *text = NULL;
	int rc;

	if (dir == NULL)
		dir = "/etc/postfix";
	if ((rc = run_postconf(dir, &text, err, errlen)) != DP_OK)
		return rc;
	rc = dp_postfix_parse(dir, text, out, err, errlen);
	free(text);
	return rc;
}

void dp_postfix_free(dp_postfix *p)
{
	if (p == NULL)
		return;
	free(p->dests);
	free(p);
}
