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
 *
 * Two plugins only: the dot layout and the core renderers (SVG).
 * gvContext() would load every plugin named in Graphviz's config file,
 * among them the pango text layout, which pulls in pango, cairo, glib and
 * fontconfig: a font scan at the first picture, a fontconfig cache written
 * under $HOME (which the systemd unit's ProtectHome= forbids), a glib
 * thread, and some 30 KB per run that fontconfig and pango never free
 * (LeakSanitizer counts them against us under make SANITIZE=1).  Without
 * a text layout plugin Graphviz sizes labels from its built-in Helvetica
 * metrics (the graphs ask for Helvetica): labels fit their boxes wherever
 * the browser has Helvetica, Arial or Liberation Sans (the same metrics;
 * fontconfig maps Helvetica to it); with only a wider sans (DejaVu Sans)
 * a long label runs some 10% past its box.
 * One context serves every picture of a run: gvContext reads Graphviz's
 * config anew and drops that text each time (2.42), so a context per
 * picture made check --html leak once per destination.
 */
#include <dlfcn.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gvc.h>
#include <gvplugin.h>
#include "probe/report/graph.h"

#define GVC_SONAME "libgvc.so.6"
/* Graphviz keeps its plugins in "graphviz/" beside libgvc (gvconfig.c,
 * gvconfig_libdir), named libgvplugin_<name>.so.6 with the library
 * structure gvplugin_<name>_LTX_library. */
static const char *const gv_plugins[] = { "dot_layout", "core" };
#define GV_NPLUGINS (sizeof gv_plugins / sizeof gv_plugins[0])

typedef struct gv_api {
	int loaded;             /* 1 ok, -1 failed */
	void *so;
	void *plugin_so[GV_NPLUGINS];
	GVC_t *gvc;             /* one for the run: see the top of the file */
	__typeof__(&gvContextPlugins) context;
	__typeof__(&gvAddLibrary) add_library;
	__typeof__(&agmemread) memread;
	__typeof__(&agclose) close;
	__typeof__(&gvLayout) layout;
	__typeof__(&gvFreeLayout) free_layout;
	__typeof__(&gvRenderData) render;
	__typeof__(&gvFreeRenderData) free_render;
	__typeof__(&agseterr) seterr;
	__typeof__(&agattr) attr;
	__typeof__(&agxget) xget;
	__typeof__(&agxset) xset;
	__typeof__(&agfstnode) fstnode;
	__typeof__(&agnxtnode) nxtnode;
	__typeof__(&agfstout) fstout;
	__typeof__(&agnxtout) nxtout;
	char why[320];
} gv_api;

static gv_api gv;

/* dlsym into a typed pointer; the cast goes through void * (POSIX). */
#define GV_SYM(field, name) \
	do { void *p_ = dlsym(gv.so, name); \
	     if (!p_) goto fail; \
	     memcpy(&gv.field, &p_, sizeof p_); } while (0)

/* Loads the plugin libraries from libgvc's own directory and adds them
 * to gv.gvc.  0, or -1 with gv.why set. */
static int gv_plugins_add(void)
{
	Dl_info info;
	char dir[512], file[600], sym[64];
	const char *libdir;

	if (!dladdr(*(void **)&gv.context, &info) || !info.dli_fname ||
	    snprintf(dir, sizeof dir, "%s", info.dli_fname) >= (int)sizeof dir) {
		snprintf(gv.why, sizeof gv.why, "cannot tell where %s is installed", GVC_SONAME);
		return -1;
	}
	libdir = dirname(dir);
	for (size_t i = 0; i < GV_NPLUGINS; i++) {
		void *lib;
		snprintf(file, sizeof file, "%s/graphviz/libgvplugin_%s.so.6", libdir,
			 gv_plugins[i]);
		snprintf(sym, sizeof sym, "gvplugin_%s_LTX_library", gv_plugins[i]);
		if (!(gv.plugin_so[i] = dlopen(file, RTLD_NOW | RTLD_LOCAL)) ||
		    !(lib = dlsym(gv.plugin_so[i], sym))) {
			snprintf(gv.why, sizeof gv.why, "Graphviz's %s plugin is missing: %s",
				 gv_plugins[i], dlerror());
			return -1;
		}
		gv.add_library(gv.gvc, lib);
	}
	return 0;
}

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
	GV_SYM(context, "gvContextPlugins");
	GV_SYM(add_library, "gvAddLibrary");
	GV_SYM(memread, "agmemread");
	GV_SYM(close, "agclose");
	GV_SYM(layout, "gvLayout");
	GV_SYM(free_layout, "gvFreeLayout");
	GV_SYM(render, "gvRenderData");
	GV_SYM(free_render, "gvFreeRenderData");
	GV_SYM(seterr, "agseterr");
	GV_SYM(attr, "agattr");
	GV_SYM(xget, "agxget");
	GV_SYM(xset, "agxset");
	GV_SYM(fstnode, "agfstnode");
	GV_SYM(nxtnode, "agnxtnode");
	GV_SYM(fstout, "agfstout");
	GV_SYM(nxtout, "agnxtout");
	/* No built-in plugins, no demand loading from Graphviz's config:
	 * only the two added below exist in this context. */
	if (!(gv.gvc = gv.context(NULL, 0))) {
		snprintf(gv.why, sizeof gv.why, "Graphviz could not start");
		return gv.loaded = -1;
	}
	if (gv_plugins_add() < 0)
		return gv.loaded = -1;
	return gv.loaded = 1;
fail:
	snprintf(gv.why, sizeof gv.why, "%s lacks a function daneprobe needs: %s", GVC_SONAME,
		 dlerror());
	return gv.loaded = -1;
}

/* "idp_" before an explicit id of a node or edge (ours: "failing"). */
static void gv_prefix_one(void *obj, Agsym_t *sym, const char *idp)
{
	char id[160];
	const char *v = gv.xget(obj, sym);

	if (v && *v && snprintf(id, sizeof id, "%s_%s", idp, v) < (int)sizeof id)
		gv.xset(obj, sym, id);
}

/* Every id in the SVG starts with idp: the graph's own id is idp, and
 * Graphviz then writes idp_node1, idp_edge1, idp_clust1 ... in place of
 * node1, edge1, clust1; explicit ids get idp_ as well.  Declared with an
 * empty default first, so that the clusters do not inherit idp as their
 * id (they would all be called idp). */
static void gv_prefix_ids(Agraph_t *g, const char *idp)
{
	Agsym_t *gid = gv.attr(g, AGRAPH, "id", ""), *nid, *eid;

	if (gid)
		gv.xset(g, gid, (char *)idp);
	nid = gv.attr(g, AGNODE, "id", NULL);   /* NULL: look up, not declare */
	eid = gv.attr(g, AGEDGE, "id", NULL);
	for (Agnode_t *n = gv.fstnode(g); n; n = gv.nxtnode(g, n)) {
		if (nid)
			gv_prefix_one(n, nid, idp);
		for (Agedge_t *e = eid ? gv.fstout(g, n) : NULL; e; e = gv.nxtout(g, e))
			gv_prefix_one(e, eid, idp);
	}
}

int graph_svg(const char *dot, const char *idp, char **out, size_t *outlen, char *err,
	      size_t errlen)
{
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
	if (!(g = gv.memread(dot))) {
		snprintf(err, errlen, "Graphviz could not read the graph");
		return DP_EINVAL;
	}
	if (idp)
		gv_prefix_ids(g, idp);
	if (gv.layout(gv.gvc, g, "dot") != 0) {
		snprintf(err, errlen, "Graphviz has no 'dot' layout");
	} else {
		if (gv.render(gv.gvc, g, "svg", &data, &len) != 0 || !data)
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
		gv.free_layout(gv.gvc, g);
	}
	gv.close(g);
	return rc;
}
