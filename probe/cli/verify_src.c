/*
 * verify_src.c - the domains of a verify run (verify_src.h).
 */
#include <stdlib.h>
#include <string.h>
#include "probe/cli/verify_src.h"
#include "probe/util/strbuf.h"

static int src_item(verify_src *v, char *path, size_t n, size_t mem_off)
{
	verify_src_item *grown = realloc(v->items, (v->n_items + 1) * sizeof *grown);

	if (grown == NULL)
		return -1;
	v->items = grown;
	v->items[v->n_items++] = (verify_src_item){ path, n, mem_off };
	v->total += n;
	return 0;
}

int verify_src_adopt(verify_src *v, size_t from)
{
	if (from >= v->n_mem)
		return 0;
	/* right after an item in memory: the same item grows */
	if (v->n_items > 0 && v->items[v->n_items - 1].path == NULL &&
	    v->items[v->n_items - 1].mem_off + v->items[v->n_items - 1].n == from) {
		v->items[v->n_items - 1].n += v->n_mem - from;
		v->total += v->n_mem - from;
		return 0;
	}
	return src_item(v, NULL, v->n_mem - from, from);
}

int verify_src_add(verify_src *v, const char *domain)
{
	if (v->n_mem == v->cap_mem) {
		size_t nc = v->cap_mem ? v->cap_mem * 2 : 16;
		char **grown = realloc(v->mem, nc * sizeof *grown);
		if (grown == NULL)
			return -1;
		v->mem = grown;
		v->cap_mem = nc;
	}
	if ((v->mem[v->n_mem] = strdup(domain)) == NULL)
		return -1;
	v->n_mem++;
	return verify_src_adopt(v, v->n_mem - 1);
}

int verify_src_file(verify_src *v, const char *path, int keep, char *err, size_t errlen)
{
	size_t from = v->n_mem, n = 0;
	char *copy;

	if (keep || strcmp(path, "-") == 0) {
		if (dp_lines_read_path(path, NULL, &v->mem, &v->n_mem, &v->cap_mem, err, errlen) != DP_OK)
			return -1;
		return verify_src_adopt(v, from);
	}
	if (dp_lines_count_path(path, NULL, &n, err, errlen) != DP_OK)
		return -1;
	if ((copy = strdup(path)) == NULL || src_item(v, copy, n, 0) < 0) {
		free(copy);
		dp_errf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	return 0;
}

static char *src_copy(const char *w, int *changed, char *err, size_t errlen)
{
	char *c = strdup(w);

	if (c == NULL) {
		dp_errf(err, errlen, "out of memory");
		*changed = 1;
	}
	return c;
}

/* The next word of the file item it (opened on first use). */
static char *src_from_file(verify_src *v, verify_src_item *it, int *changed,
				 char *err, size_t errlen)
{
	int got = 0, rc;

	if (v->f == NULL) {
		if ((v->f = fopen(it->path, "r")) == NULL ||
		    dp_lines_stream_init(&v->s, v->f, it->path, NULL) != DP_OK) {
			dp_errf(err, errlen, "%s: cannot be read again", it->path);
			*changed = 1;
			return NULL;
		}
	}
	rc = dp_lines_next(&v->s, &got);
	if (rc != DP_OK || !got) {
		dp_errf(err, errlen, "%s changed while it was read: %s", it->path,
			rc != DP_OK ? v->s.err : "fewer domains than at the start");
		*changed = 1;
		return NULL;
	}
	return src_copy(v->s.word, changed, err, errlen);
}

static void src_close(verify_src *v)
{
	if (v->f == NULL)
		return;
	dp_lines_stream_free(&v->s);
	fclose(v->f);
	v->f = NULL;
}

char *verify_src_next(verify_src *v, int *changed, char *err, size_t errlen)
{
	*changed = 0;
	while (v->cur < v->n_items) {
		verify_src_item *it = &v->items[v->cur];
		if (v->pos < it->n) {
			v->pos++;
			if (it->path == NULL)
				return src_copy(v->mem[it->mem_off + v->pos - 1], changed, err, errlen);
			return src_from_file(v, it, changed, err, errlen);
		}
		src_close(v);
		v->cur++;
		v->pos = 0;
	}
	return NULL;
}

void verify_src_free(verify_src *v)
{
	src_close(v);
	for (size_t i = 0; i < v->n_mem; i++)
		free(v->mem[i]);
	for (size_t i = 0; i < v->n_items; i++)
		free(v->items[i].path);
	free(v->mem);
	free(v->items);
	memset(v, 0, sizeof *v);
}
