/*
 * test_bootstrap.c - RFC 9718 bootstrap offline: a throwaway CA and
 * signer made with the openssl tool in a temporary directory sign test
 * copies of root-anchors.xml; tampered documents, unknown signers, expired
 * certificates and KeyDigests, DTDs and non-HTTPS URLs are all refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <signal.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "probe/anchor/bootstrap.h"
#include "probe/util/builtin.h"

static char dir[64];
static char ca[128], evil_ca[128];
static int64_t now;          /* a day after the test certificates were made */
static pid_t web_pid = -1;   /* the test's HTTPS server, stopped in teardown */

static const char *xml_good =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<TrustAnchor id=\"test\" source=\"https://data.iana.org/root-anchors/root-anchors.xml\">\n"
	"<Zone>.</Zone>\n"
	"<KeyDigest id=\"Kjqmt7v\" validFrom=\"2010-07-15T00:00:00+00:00\" validUntil=\"2019-01-11T00:00:00+00:00\">\n"
	"<KeyTag>19036</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType>\n"
	"<Digest>49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5</Digest>\n"
	"</KeyDigest>\n"
	"<KeyDigest id=\"Klajeyz\" validFrom=\"2017-02-02T00:00:00+00:00\">\n"
	"<KeyTag>20326</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType>\n"
	"<Digest>E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D</Digest>\n"
	"</KeyDigest>\n"
	"<KeyDigest id=\"Kmyv6jo\" validFrom=\"2024-07-18T00:00:00+00:00\">\n"
	"<KeyTag>38696</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType>\n"
	"<Digest>683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16</Digest>\n"
	"</KeyDigest>\n"
	"</TrustAnchor>\n";

static const char *xml_expired =
	"<TrustAnchor id=\"t\" source=\"s\"><Zone>.</Zone>"
	"<KeyDigest id=\"a\" validFrom=\"2010-07-15T00:00:00Z\" validUntil=\"2019-01-11T00:00:00Z\">"
	"<KeyTag>19036</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType>"
	"<Digest>49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5</Digest>"
	"</KeyDigest></TrustAnchor>\n";

static const char *xml_dtd =
	"<?xml version=\"1.0\"?>\n<!DOCTYPE TrustAnchor [<!ENTITY z \".\">]>\n"
	"<TrustAnchor id=\"t\" source=\"s\"><Zone>&z;</Zone></TrustAnchor>\n";

static const char *xml_other_zone =
	"<TrustAnchor id=\"t\" source=\"s\"><Zone>example.</Zone>"
	"<KeyDigest id=\"a\" validFrom=\"2017-02-02T00:00:00Z\">"
	"<KeyTag>20326</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType>"
	"<Digest>E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D</Digest>"
	"</KeyDigest></TrustAnchor>\n";

static char *path_of(const char *name)
{
	static char buf[8][160];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(path_of(name), "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && ( ", dir);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	strncat(cmd, " ) >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	return system(cmd);
}

/* A CA and a signer certificate under it (EC P-256). */
static int make_ca(const char *p, const char *signer_subj, int signer_days)
{
	return sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		  "-keyout %s-ca.key -out %s-ca.pem -days 36500 -subj '/O=Test/CN=%s root CA' "
		  "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign && "
		  "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout %s-signer.key "
		  "-out %s-signer.csr -subj '%s' && "
		  "printf 'keyUsage=critical,digitalSignature\\nextendedKeyUsage=emailProtection\\n' > ext.cnf && "
		  "openssl x509 -req -in %s-signer.csr -CA %s-ca.pem -CAkey %s-ca.key -CAcreateserial "
		  "-out %s-signer.pem -days %d -extfile ext.cnf",
		  p, p, p, p, p, signer_subj, p, p, p, p, signer_days);
}

static int sign(const char *who, const char *xml, const char *out, const char *form)
{
	return sh("openssl cms -sign -binary -in %s -signer %s-signer.pem -inkey %s-signer.key "
		  "-outform %s -out %s", xml, who, who, form, out);
}

static int64_t not_before(const char *pem)
{
	FILE *f = fopen(pem, "r");
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	struct tm tm;

	fclose(f);
	if (x == NULL || ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm) != 1)
		return -1;
	X509_free(x);
	return (int64_t)timegm(&tm);
}

static int group_setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/dp-bootstrap-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	put("root-anchors.xml", xml_good);
	put("expired.xml", xml_expired);
	put("dtd.xml", xml_dtd);
	put("zone.xml", xml_other_zone);
	if (make_ca("good", "/O=ICANN/CN=Test signer/emailAddress=dnssec@iana.org", 3650) != 0 ||
	    make_ca("evil", "/O=Evil/CN=Evil signer/emailAddress=dnssec@iana.org", 3650) != 0 ||
	    make_ca("short", "/O=ICANN/CN=Short signer/emailAddress=dnssec@iana.org", 1) != 0 ||
	    make_ca("other", "/O=ICANN/CN=Other signer/emailAddress=someone@example.org", 3650) != 0)
		return -1;
	if (sign("good", "root-anchors.xml", "root-anchors.p7s", "DER") != 0 ||
	    sign("good", "root-anchors.xml", "pem.p7s", "PEM") != 0 ||
	    sign("evil", "root-anchors.xml", "evil.p7s", "DER") != 0 ||
	    sign("short", "root-anchors.xml", "short.p7s", "DER") != 0 ||
	    sign("other", "root-anchors.xml", "other.p7s", "DER") != 0 ||
	    sign("good", "expired.xml", "expired.p7s", "DER") != 0 ||
	    sign("good", "dtd.xml", "dtd.p7s", "DER") != 0 ||
	    sign("good", "zone.xml", "zone.p7s", "DER") != 0)
		return -1;
	/* The same signature beside a tampered copy. */
	if (sh("sed 's/E06D44B8/E06D44B9/' root-anchors.xml > tampered.xml") != 0)
		return -1;
	/* Trust the good CA and the short-lived signer's CA, not the evil one. */
	if (sh("cat good-ca.pem short-ca.pem other-ca.pem > trusted.pem") != 0)
		return -1;
	snprintf(ca, sizeof(ca), "%s/trusted.pem", dir);
	snprintf(evil_ca, sizeof(evil_ca), "%s/evil-ca.pem", dir);
	now = not_before(path_of("good-signer.pem")) + 3600;
	return now > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	if (web_pid > 0) {
		kill(web_pid, SIGTERM);
		waitpid(web_pid, NULL, 0);
	}
	return sh("rm -rf '%s'", dir) == 0 ? 0 : -1;
}

static int run_files(const char *xml, const char *p7s, const char *ca_path, int64_t t,
		     ldns_rr_list **ds, char *err, size_t errlen)
{
	bootstrap_opts o;
	char x[160], p[160];

	memset(&o, 0, sizeof(o));
	snprintf(x, sizeof(x), "%s/%s", dir, xml);
	snprintf(p, sizeof(p), "%s/%s", dir, p7s);
	o.xml_path = x;
	o.p7s_path = p;
	o.ca_path = ca_path;
	o.ca_pem = ca_path == NULL ? dp_builtin_icann_ca : NULL;
	o.signer_email = BOOTSTRAP_SIGNER;
	o.now = t;
	*ds = NULL;
	err[0] = '\0';
	return bootstrap_run(&o, ds, NULL, err, errlen);
}

static void test_good_pair(void **state)
{
	ldns_rr_list *ds;
	char err[512];

	(void)state;
	assert_int_equal(run_files("root-anchors.xml", "root-anchors.p7s", ca, now, &ds, err, sizeof(err)), DP_OK);
	assert_int_equal(ldns_rr_list_rr_count(ds), 2);
	assert_int_equal(ldns_rdf2native_int16(ldns_rr_rdf(ldns_rr_list_rr(ds, 0), 0)), 20326);
	assert_int_equal(ldns_rdf2native_int16(ldns_rr_rdf(ldns_rr_list_rr(ds, 1), 0)), 38696);
	ldns_rr_list_deep_free(ds);
	/* A PEM signature is accepted too. */
	assert_int_equal(run_files("root-anchors.xml", "pem.p7s", ca, now, &ds, err, sizeof(err)), DP_OK);
	ldns_rr_list_deep_free(ds);
}

static const struct {
	const char *xml, *p7s;
	int ca;            /* 0: trusted.pem, 1: evil CA, 2: the built-in ICANN CA, 3: none */
	int64_t dt;        /* added to now */
	int rc;
	const char *want;
} rows[] = {
	{ "tampered.xml", "root-anchors.p7s", 0, 0, DP_EVERIFY, "content verify error" },
	{ "root-anchors.xml", "evil.p7s", 0, 0, DP_EVERIFY, "unable to get local issuer" },
	{ "root-anchors.xml", "root-anchors.p7s", 1, 0, DP_EVERIFY, "does not verify" },
	{ "root-anchors.xml", "root-anchors.p7s", 2, 0, DP_EVERIFY, "does not verify with CA the built-in ICANN root CA" },
	{ "root-anchors.xml", "root-anchors.p7s", 3, 0, DP_EIO, "CA certificates" },
	/* the signer's certificate expires after a day */
	{ "root-anchors.xml", "short.p7s", 0, 3 * 86400, DP_EVERIFY, "certificate has expired" },
	/* before the certificates were made */
	{ "root-anchors.xml", "root-anchors.p7s", 0, -30 * 86400, DP_EVERIFY, "not yet valid" },
	/* signed by a certificate of the right CA for another person */
	{ "root-anchors.xml", "other.p7s", 0, 0, DP_EVERIFY, "someone@example.org" },
	/* the XML is signed, but has no KeyDigest valid now */
	{ "expired.xml", "expired.p7s", 0, 0, DP_ENOTFOUND, "no KeyDigest" },
	/* signed, with a DTD */
	{ "dtd.xml", "dtd.p7s", 0, 0, DP_EPARSE, "DOCTYPE" },
	/* signed, for another zone */
	{ "zone.xml", "zone.p7s", 0, 0, DP_EPARSE, "not for the root" },
	/* a signature over another document */
	{ "expired.xml", "root-anchors.p7s", 0, 0, DP_EVERIFY, "does not verify" },
	/* not a signature at all */
	{ "root-anchors.xml", "root-anchors.xml", 0, 0, DP_EPARSE, "not a CMS" },
	{ "root-anchors.xml", "missing.p7s", 0, 0, DP_EIO, "cannot read" },
};

static void test_refused(void **state)
{
	char err[512];
	ldns_rr_list *ds;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *cap = rows[i].ca == 0 ? ca : rows[i].ca == 1 ? evil_ca
			: rows[i].ca == 2 ? NULL : "/nonexistent.pem";
		int rc = run_files(rows[i].xml, rows[i].p7s, cap, now + rows[i].dt, &ds, err, sizeof(err));
		if (rc != rows[i].rc || strstr(err, rows[i].want) == NULL)
			fail_msg("row %zu: rc %d \"%s\"; want %d \"%s\"", i, rc, err, rows[i].rc,
				 rows[i].want);
		assert_null(ds);
	}
}

/* The whole text of a file (malloced), or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 16);
	size_t n = 0;

	if (f != NULL && buf != NULL)
		n = fread(buf, 1, (1 << 16) - 1, f);
	if (f != NULL)
		fclose(f);
	if (n == 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The CA as PEM text in memory (how the built-in ICANN CA is given) works
 * as the file does; text without a certificate is refused. */
static void test_ca_from_pem(void **state)
{
	bootstrap_opts o;
	ldns_rr_list *ds = NULL;
	char err[512], x[160], p[160], *pem = slurp(ca), *icann;

	(void)state;
	assert_non_null(pem);
	memset(&o, 0, sizeof(o));
	snprintf(x, sizeof(x), "%s/root-anchors.xml", dir);
	snprintf(p, sizeof(p), "%s/root-anchors.p7s", dir);
	o.xml_path = x;
	o.p7s_path = p;
	o.ca_pem = pem;
	o.signer_email = BOOTSTRAP_SIGNER;
	o.now = now;
	assert_int_equal(bootstrap_run(&o, &ds, NULL, err, sizeof(err)), DP_OK);
	assert_int_equal(ldns_rr_list_rr_count(ds), 2);
	ldns_rr_list_deep_free(ds);
	ds = NULL;
	o.ca_pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
	assert_int_equal(bootstrap_run(&o, &ds, NULL, err, sizeof(err)), DP_EIO);
	assert_non_null(strstr(err, "cannot load CA certificates the built-in ICANN root CA"));
	assert_null(ds);
	free(pem);
	/* The compiled-in CA is configs/icann-root-ca.pem, byte for byte. */
	icann = slurp(DP_TESTDIR "/../configs/icann-root-ca.pem");
	assert_non_null(icann);
	assert_string_equal(dp_builtin_icann_ca, icann);
	free(icann);
}

static void test_urls(void **state)
{
	bootstrap_opts o;
	ldns_rr_list *ds = NULL;
	char err[512], url[256];

	(void)state;
	memset(&o, 0, sizeof(o));
	o.ca_path = ca;
	o.signer_email = BOOTSTRAP_SIGNER;
	o.now = now;
	o.timeout_ms = 2000;
	/* file:// fetches through libcurl; the .p7s is found beside. */
	snprintf(url, sizeof(url), "file://%s/root-anchors.xml", dir);
	o.url = url;
	assert_int_equal(bootstrap_run(&o, &ds, NULL, err, sizeof(err)), DP_OK);
	assert_int_equal(ldns_rr_list_rr_count(ds), 2);
	ldns_rr_list_deep_free(ds);
	ds = NULL;
	snprintf(url, sizeof(url), "file://%s/tampered.xml", dir);
	assert_int_not_equal(bootstrap_run(&o, &ds, NULL, err, sizeof(err)), DP_OK);
	assert_null(ds);
	/* Plain HTTP and other schemes are refused before any connection. */
	o.url = "http://127.0.0.1:9/root-anchors.xml";
	assert_int_equal(bootstrap_run(&o, &ds, NULL, err, sizeof(err)), DP_EINVAL);
	assert_non_null(strstr(err, "only https://"));
	o.url = "ftp://127.0.0.1/root-anchors.xml";
	assert_int_equal(bootstrap_run(&o, &ds, NULL, err, sizeof(err)), DP_EINVAL);
	/* HTTPS to a port where nothing listens: a network error. */
	o.url = "https://127.0.0.1:9/root-anchors.xml";
	int rc = bootstrap_run(&o, &ds, NULL, err, sizeof(err));
	assert_true(rc == DP_ENET || rc == DP_ETIMEOUT);
	assert_non_null(strstr(err, "cannot fetch"));
	assert_null(ds);
	/* Neither a URL nor a pair. */
	o.url = NULL;
	assert_int_equal(bootstrap_run(&o, &ds, NULL, err, sizeof(err)), DP_EINVAL);
}

static void test_state_from_bootstrap(void **state)
{
	ldns_rr_list *ds;
	rfc5011_tp *old = NULL, *tp = NULL;
	ldns_rdf *root = ldns_dname_new_frm_str(".");
	ldns_rr *k = NULL;
	char err[512], note[256];

	(void)state;
	assert_int_equal(run_files("root-anchors.xml", "root-anchors.p7s", ca, now, &ds, err, sizeof(err)), DP_OK);
	/* No old state: both DS become Valid anchors. */
	assert_int_equal(bootstrap_state(NULL, ds, now, &tp, note, sizeof(note)), DP_OK);
	assert_int_equal(tp->n_keys, 2);
	assert_int_equal(tp->keys[0].state, RFC5011_VALID);
	assert_int_equal(tp->next_probe, now);
	rfc5011_tp_free(tp);
	/* KSK-2024 was revoked in the old state: it does not come back. */
	assert_int_equal(rfc5011_tp_new(root, &old), DP_OK);
	assert_int_equal(ldns_rr_new_frm_str(&k,
		". 172800 IN DNSKEY 385 3 8 AwEAAa96jeuknZlaeSrvyAJj6ZHv28hhOKkx3rLGXVaC6rXTsDc449/cidltpkyGwCJNnOAlFNKF2jBosZBU5eeHspaQWOmOElZsjICMQMC3aeHbGiShvZsx4wMYSjH8e7Vrhbu6irwCzVBApESjbUdpWWmEnhathWu1jo+siFUiRAAxm9qyJNg/wOZqqzL/dL/q8PkcRU5oUKEpUge71M3ej2/7CPqpdVwuMoTvoB+ZOT4YeGyxMvHmbrxlFzGOHOijtzN+u1TQNatX2XBuzZNQ1K+s2CXkPIZo7s6JgZyvaBevYtxPvYLw4z9mR7K2vaF18UYH9Z9GNUUeayffKC73PYc=",
		0, NULL, NULL), LDNS_STATUS_OK);
	old->keys = calloc(1, sizeof(*old->keys));
	old->n_keys = 1;
	old->keys[0].dnskey = k;
	old->keys[0].tag = ldns_calc_keytag(k);
	old->keys[0].alg = 8;
	old->keys[0].state = RFC5011_REVOKED;
	assert_int_equal(old->keys[0].tag, 38696 + 128);
	assert_int_equal(bootstrap_state(old, ds, now, &tp, note, sizeof(note)), DP_OK);
	assert_non_null(strstr(note, "38696"));
	assert_int_equal(tp->n_keys, 2);
	assert_int_equal(tp->keys[0].tag, 20326);
	assert_int_equal(tp->keys[1].state, RFC5011_REVOKED);
	rfc5011_tp_free(tp);
	rfc5011_tp_free(old);
	ldns_rdf_deep_free(root);
	ldns_rr_list_deep_free(ds);
}

/* A TCP socket on 127.0.0.1 that listens and never answers; *port gets
 * its port. */
static int silent_listener(int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 4) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		return -1;
	*port = ntohs(sa.sin_port);
	return fd;
}

static void test_https_timeout(void **state)
{
	bootstrap_opts o;
	ldns_rr_list *ds = NULL;
	char err[512], url[128];
	int port, fd = silent_listener(&port);

	(void)state;
	assert_true(fd >= 0);
	memset(&o, 0, sizeof(o));
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/root-anchors.xml", port);
	o.url = url;
	o.ca_path = ca;
	o.now = now;
	o.timeout_ms = 500;
	assert_int_equal(bootstrap_run(&o, &ds, NULL, err, sizeof(err)), DP_ETIMEOUT);
	assert_non_null(strstr(err, "cannot fetch"));
	assert_null(ds);
	close(fd);
}

/* A real HTTPS fetch: openssl s_server -WWW serves the test directory with
 * a certificate from the test CA for 127.0.0.1. */
static void test_https_fetch(void **state)
{
	bootstrap_opts o;
	ldns_rr_list *ds = NULL;
	char err[512], url[160], cainfo[160];
	int port, fd = silent_listener(&port);
	pid_t pid;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
			    "-keyout web.key -out web.csr -subj /CN=127.0.0.1 && "
			    "printf 'subjectAltName=IP:127.0.0.1\\n' > web.cnf && "
			    "openssl x509 -req -in web.csr -CA good-ca.pem -CAkey good-ca.key "
			    "-CAcreateserial -out web.pem -days 30 -extfile web.cnf"), 0);
	web_pid = pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char acc[32];
		snprintf(acc, sizeof(acc), "127.0.0.1:%d", port);
		if (chdir(dir) != 0 || freopen("/dev/null", "w", stdout) == NULL ||
		    freopen("/dev/null", "w", stderr) == NULL)
			_exit(1);
		execlp("openssl", "openssl", "s_server", "-quiet", "-WWW", "-accept", acc,
		       "-cert", "web.pem", "-key", "web.key", (char *)NULL);
		_exit(1);
	}
	memset(&o, 0, sizeof(o));
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/root-anchors.xml", port);
	snprintf(cainfo, sizeof(cainfo), "%s/good-ca.pem", dir);
	o.url = url;
	o.ca_path = ca;
	o.signer_email = BOOTSTRAP_SIGNER;
	o.tls_cainfo = cainfo;
	o.now = now;
	o.timeout_ms = 3000;
	int rc = DP_ENET;
	for (int i = 0; i < 40 && rc == DP_ENET; i++) {
		rc = bootstrap_run(&o, &ds, NULL, err, sizeof(err));
		if (rc == DP_ENET)
			usleep(100000);
	}
	if (rc != DP_OK)
		fail_msg("https fetch: rc %d \"%s\"", rc, err);
	assert_int_equal(ldns_rr_list_rr_count(ds), 2);
	ldns_rr_list_deep_free(ds);
	ds = NULL;
	/* Without the test CA for TLS, the server is not trusted. */
	o.tls_cainfo = DP_TESTDIR "/../configs/icann-root-ca.pem";
	assert_int_equal(bootstrap_run(&o, &ds, NULL, err, sizeof(err)), DP_ETLS);
	assert_null(ds);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	web_pid = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_pair),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_ca_from_pem),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_state_from_bootstrap),
		cmocka_unit_test(test_https_timeout),
		cmocka_unit_test(test_https_fetch),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
