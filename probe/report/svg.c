/*
 * svg.c - DOT to SVG in-process with Graphviz's library (libgvc), loaded
 * with dlopen on first use.  Linking libgvc would add six shared
 * libraries (gvc, cgraph, cdt, pathplan, ltdl, z) to every start of the
 * program, for every command, though only --format svg and check --html
 * draw; loaded here, they cost nothing until then.  The package depends
 * on libgvc6 explicitly (dpkg-shlibdeps cannot see a dlopen).  The
 * prototypes come from Graphviz's own headers, so a changed API is a
 * compile error, not a crash.  Graphviz is not thread-safe: callers draw
 * from one thread.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gvc.h>
#include "probe/report/graph.h"

#define GVC_SONAME "libgvc.so.6"

typedef struct gv_api {
	int loaded;             /* 1 ok, -1 failed */
	void *so;
	__typeof__(&gvContext) context;
	__typeof__(&gvFreeContext) free_context;
	__typeof__(&agmemread) memread;
	__typeof__(&agclose) close;
	__typeof__(&gvLayout) layout;
	__typeof__(&gvFreeLayout) free_layout;
	__typeof__(&gvRenderData) render;
	__typeof__(&gvFreeRenderData) free_render;
	__typeof__(&agseterr) seterr;
	char why[256];
} gv_api;

static gv_api gv;

/* dlsym into a typed pointer; the cast goes through void * (POSIX). */
#define GV_SYM(field, name) \
	do { void *p_ = dlsym(gv.so, name); \
	     if (!p_) goto fail; \
	     memcpy(&gv.field, &p_, sizeof p_); } while (0)

static int gv_load(void)
{
	if (gv.loaded)
		return gv.loaded;
	gv.so = dlopen(GVC_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!gv.so) {
		snprintf(gv.why, sizeof gv.why, "Graphviz's library %s is not installed "
			 "(Debian: apt install libgvc6): %s", GVC_SONAME, dlerror());
		return gv.loaded = -1;
	}
	GV_SYM(context, "gvContext");
	GV_SYM(free_context, "gvFreeContext");
	GV_SYM(memread, "agmemread");
	GV_SYM(close, "agclose");
	GV_SYM(layout, "gvLayout");
	GV_SYM(free_layout, "gvFreeLayout");
	GV_SYM(render, "gvRenderData");
	GV_SYM(free_render, "gvFreeRenderData");
	GV_SYM(seterr, "agseterr");
	return gv.loaded = 1;
fail:
	snprintf(gv.why, sizeof gv.why, "%s lacks a function daneprobe needs: %s", GVC_SONAME,
		 dlerror());
	dlclose(gv.so);
	gv.so = NULL;
	return gv.loaded = -1;
}

int graph_svg(const char *dot, char **out, size_t *outlen, char *err, size_t errlen)
{
	GVC_t *gvc;
	Agraph_t *g;
	char *data = NULL;
	unsigned int len = 0;
	int rc = DP_EINVAL;

	if (gv_load() < 0) {
		snprintf(err, errlen, "%s", gv.why);
		return DP_EUNSUPPORTED;
	}
	/* Our own DOT: a warning would only be noise on stderr. */
	gv.seterr(AGERR);
	if (!(gvc = gv.context())) {
		snprintf(err, errlen, "Graphviz could not start");
		return DP_ENOMEM;
	}
	if (!(g = gv.memread(dot))) {
		snprintf(err, errlen, "Graphviz could not read the graph");
	} else if (gv.layout(gvc, g, "dot") != 0) {
		snprintf(err, errlen, "Graphviz has no 'dot' layout (its plugins are not "
			 "configured: run 'dot -c' as root)");
	} else {
		if (gv.render(gvc, g, "svg", &data, &len) != 0 || !data)
			snprintf(err, errlen, "Graphviz could not render SVG");
		else if (!(*out = malloc((size_t)len + 1)))
			rc = DP_ENOMEM;
		else {
			memcpy(*out, data, len);
			(*out)[len] = '\0';
			*outlen = len;
			rc = DP_OK;
		}
		if (data)
			gv.free_render(data);
		gv.free_layout(gvc, g);
	}
	if (g)
		gv.close(g);
	gv.free_context(gvc);
	return rc;
}
