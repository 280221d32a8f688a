/*
 * client.c - client model names (client.h).
 */
#include <string.h>
#include "probe/util/client.h"

static const struct {
	const char *word;
	dp_client c;
} words[] = {
	{ "local", { DP_CLIENT_LOCAL, DP_PRESET_NONE } },
	{ "ad", { DP_CLIENT_AD, DP_PRESET_NONE } },
	{ "esa", { DP_CLIENT_LOCAL, DP_PRESET_ESA } },
	{ "postfix", { DP_CLIENT_AD, DP_PRESET_POSTFIX } },
	{ "exim", { DP_CLIENT_AD, DP_PRESET_EXIM } },
};

int dp_client_parse(const char *word, dp_client *out)
{
	for (size_t i = 0; word && i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(word, words[i].word) == 0) {
			*out = words[i].c;
			return 0;
		}
	return -1;
}

const char *dp_client_model_name(dp_client_model m)
{
	return m == DP_CLIENT_AD ? "ad" : "local";
}

const char *dp_client_name(const dp_client *c)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].c.preset != DP_PRESET_NONE && words[i].c.preset == c->preset)
			return words[i].word;
	return dp_client_model_name(c->model);
}
