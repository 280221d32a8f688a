/*
 * prom.c - Prometheus text exposition format (0.0.4), built in memory and
 * written atomically for node_exporter's textfile collector.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/report/prom.h"
#include "probe/util/fileio.h"
#include "probe/util/strbuf.h"

struct dp_prom {
	dp_sbuf b;
};

int dp_prom_new(dp_prom **out)
{
	dp_prom *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return DP_ENOMEM;
	*out = p;
	return DP_OK;
}

void dp_prom_free(dp_prom *p)
{
	if (p == NULL)
		return;
	dp_sbuf_clear(&p->b);
	free(p);
}

static void prom_add(dp_prom *p, const char *s, size_t n)
{
	dp_sbuf_add(&p->b, s, n);
}

static void prom_str(dp_prom *p, const char *s)
{
	prom_add(p, s, strlen(s));
}

void dp_prom_family(dp_prom *p, const char *name, const char *help)
{
	prom_str(p, "# HELP ");
	prom_str(p, name);
	prom_str(p, " ");
	/* HELP text escapes only backslash and newline. */
	for (const char *c = help; *c; c++) {
		if (*c == '\\')
			prom_str(p, "\\\\");
		else if (*c == '\n')
			prom_str(p, "\\n");
		else
			prom_add(p, c, 1);
	}
	prom_str(p, "\n# TYPE ");
	prom_str(p, name);
	prom_str(p, " gauge\n");
}

void dp_prom_sample(dp_prom *p, const char *name, const char *const *labels,
		    size_t n_pairs, double value)
{
	char num[64];
	size_t shown = 0;

	prom_str(p, name);
	for (size_t i = 0; i < n_pairs; i++)
		shown += labels[2 * i + 1] != NULL && labels[2 * i + 1][0] != '\0';
	if (shown > 0) {
		prom_str(p, "{");
		shown = 0;
		for (size_t i = 0; i < n_pairs; i++) {
			/* An empty label value is the same series as no label
			 * (exposition format): leave it out. */
			if (labels[2 * i + 1] == NULL || labels[2 * i + 1][0] == '\0')
				continue;
			prom_str(p, shown++ ? "," : "");
			prom_str(p, labels[2 * i]);
			prom_str(p, "=\"");
			for (const char *c = labels[2 * i + 1] ? labels[2 * i + 1] : ""; *c; c++) {
				if (*c == '\\')
					prom_str(p, "\\\\");
				else if (*c == '"')
					prom_str(p, "\\\"");
				else if (*c == '\n')
					prom_str(p, "\\n");
				else
					prom_add(p, c, 1);
			}
			prom_str(p, "\"");
		}
		prom_str(p, "}");
	}
	if (value == (double)(long long)value)
		snprintf(num, sizeof(num), " %lld\n", (long long)value);
	else
		snprintf(num, sizeof(num), " %.6g\n", value);
	prom_str(p, num);
}

const char *dp_prom_text(const dp_prom *p, size_t *len)
{
	if (p->b.failed)
		return NULL;
	if (len != NULL)
		*len = p->b.len;
	return p->b.p ? p->b.p : "";
}

int dp_prom_write(const dp_prom *p, const char *path, char *err, size_t errlen)
{
	size_t len;
	const char *t = dp_prom_text(p, &len);

	if (t == NULL)
		return DP_ENOMEM;
	return dp_atomic_write(path, t, len, 0, err, errlen);
}
