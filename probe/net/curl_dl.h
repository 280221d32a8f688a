/*
 * curl_dl.h - libcurl, loaded when the first HTTPS request is made, not at
 * start-up.  Linked normally, libcurl pulled 28 more shared libraries
 * (GnuTLS, Kerberos, LDAP, SSH, ...) into every run of daneprobe, though
 * only the anchor bootstrap and webhooks make HTTP requests (issue 16:
 * `daneprobe --help` took 5.8 ms, 37 libraries).
 *
 * Include this instead of <curl/curl.h>: the curl_* calls below go to
 * wrappers that load libcurl.so.4 once (dlopen) and call the real
 * function.  When libcurl cannot be loaded, curl_global_init returns
 * CURLE_FAILED_INIT, curl_easy_init and curl_slist_append return NULL,
 * curl_easy_strerror says why; nothing else is reached then.
 */
#ifndef DP_CURL_DL_H
#define DP_CURL_DL_H

#include <curl/curl.h>

CURLcode dp_curl_global_init(long flags);
void dp_curl_global_cleanup(void);
CURL *dp_curl_easy_init(void);
CURLcode dp_curl_easy_setopt(CURL *c, CURLoption opt, ...);
CURLcode dp_curl_easy_perform(CURL *c);
CURLcode dp_curl_easy_getinfo(CURL *c, CURLINFO info, ...);
void dp_curl_easy_cleanup(CURL *c);
const char *dp_curl_easy_strerror(CURLcode cc);
struct curl_slist *dp_curl_slist_append(struct curl_slist *l, const char *s);
void dp_curl_slist_free_all(struct curl_slist *l);

/* curl.h may define these two as macros (its type checks). */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init dp_curl_global_init
#define curl_global_cleanup dp_curl_global_cleanup
#define curl_easy_init dp_curl_easy_init
#define curl_easy_setopt dp_curl_easy_setopt
#define curl_easy_perform dp_curl_easy_perform
#define curl_easy_getinfo dp_curl_easy_getinfo
#define curl_easy_cleanup dp_curl_easy_cleanup
#define curl_easy_strerror dp_curl_easy_strerror
#define curl_slist_append dp_curl_slist_append
#define curl_slist_free_all dp_curl_slist_free_all

#endif
