/*
 * curl_dl.c - libcurl loaded on first use (curl_dl.h says why).  The
 * handles and options are libcurl's own; only the entry points are
 * looked up, once, under pthread_once.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "probe/net/curl_dl.h"

/* The SONAME libcurl4 (Debian 12: 7.88) installs; the package depends
 * on it (contrib/debian/control). */
#define CURL_DL_SONAME "libcurl.so.4"

static struct {
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	int ok;
	char why[256];
} api;

static pthread_once_t api_once = PTHREAD_ONCE_INIT;

/* dlsym returns an object pointer; POSIX guarantees it converts to a
 * function pointer, which memcpy says without a cast warning. */
static int sym(void *lib, const char *name, void *fp, size_t fpsize)
{
	void *p = dlsym(lib, name);

	if (p == NULL) {
		snprintf(api.why, sizeof api.why, "%s has no %s", CURL_DL_SONAME, name);
		return -1;
	}
	memcpy(fp, &p, fpsize);
	return 0;
}

#define SYM(lib, name, field) sym((lib), (name), &api.field, sizeof api.field)

static void api_load(void)
{
	void *lib = dlopen(CURL_DL_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *e;

	if (lib == NULL) {
		e = dlerror();
		snprintf(api.why, sizeof api.why, "cannot load %s (libcurl4): %s",
			 CURL_DL_SONAME, e ? e : "unknown error");
		return;
	}
	/* Never dlclose: libcurl keeps global state until exit. */
	if (SYM(lib, "curl_global_init", global_init) < 0 ||
	    SYM(lib, "curl_global_cleanup", global_cleanup) < 0 ||
	    SYM(lib, "curl_easy_init", easy_init) < 0 ||
	    SYM(lib, "curl_easy_setopt", easy_setopt) < 0 ||
	    SYM(lib, "curl_easy_perform", easy_perform) < 0 ||
	    SYM(lib, "curl_easy_getinfo", easy_getinfo) < 0 ||
	    SYM(lib, "curl_easy_cleanup", easy_cleanup) < 0 ||
	    SYM(lib, "curl_easy_strerror", easy_strerror) < 0 ||
	    SYM(lib, "curl_slist_append", slist_append) < 0 ||
	    SYM(lib, "curl_slist_free_all", slist_free_all) < 0)
		return;
	api.ok = 1;
}

static int loaded(void)
{
	pthread_once(&api_once, api_load);
	return api.ok;
}

CURLcode dp_curl_global_init(long flags)
{
	return loaded() ? api.global_init(flags) : CURLE_FAILED_INIT;
}

void dp_curl_global_cleanup(void)
{
	if (loaded())
		api.global_cleanup();
}

CURL *dp_curl_easy_init(void)
{
	return loaded() ? api.easy_init() : NULL;
}

/* One argument of the type the option's number range says (curl.h:
 * CURLOPTTYPE_LONG, _OBJECTPOINT, _FUNCTIONPOINT, _OFF_T, _BLOB), passed
 * on as that type. */
CURLcode dp_curl_easy_setopt(CURL *c, CURLoption opt, ...)
{
	va_list ap;
	CURLcode rc;

	if (!loaded() || c == NULL)
		return CURLE_FAILED_INIT;
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = api.easy_setopt(c, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = api.easy_setopt(c, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = api.easy_setopt(c, opt, va_arg(ap, void (*)(void)));
	else if (opt < CURLOPTTYPE_BLOB)
		rc = api.easy_setopt(c, opt, va_arg(ap, curl_off_t));
	else
		rc = api.easy_setopt(c, opt, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode dp_curl_easy_perform(CURL *c)
{
	return loaded() && c != NULL ? api.easy_perform(c) : CURLE_FAILED_INIT;
}

/* Every CURLINFO takes a pointer to where the value goes. */
CURLcode dp_curl_easy_getinfo(CURL *c, CURLINFO info, ...)
{
	va_list ap;
	CURLcode rc;

	if (!loaded() || c == NULL)
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	rc = api.easy_getinfo(c, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

void dp_curl_easy_cleanup(CURL *c)
{
	if (loaded() && c != NULL)
		api.easy_cleanup(c);
}

const char *dp_curl_easy_strerror(CURLcode cc)
{
	return loaded() ? api.easy_strerror(cc) : api.why;
}

struct curl_slist *dp_curl_slist_append(struct curl_slist *l, const char *s)
{
	return loaded() ? api.slist_append(l, s) : NULL;
}

void dp_curl_slist_free_all(struct curl_slist *l)
{
	if (loaded())
		api.slist_free_all(l);
}
