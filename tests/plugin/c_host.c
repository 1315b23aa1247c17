/*
 * A C host: dlopens the plugin module and drives it through falcon_plugin.h only.
 * Usage: c_host MODULE CONNECTION_JSON [THREADS]
 * Prints one line per call: the JSON the module returned. Exits 0 when every call returned
 * something, 1 when the module could not be used, 2 for bad usage. With THREADS, that many
 * threads each ask for a token at once instead, and each prints "thread<TAB>JSON".
 */
#include "falcon/plugin/falcon_plugin.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*VersionFunction)(void);
typedef char* (*DescribeFunction)(void);
typedef char* (*InvokeFunction)(const char*, const char*, const char*);
typedef void (*FreeFunction)(char*);

static FreeFunction release;
static InvokeFunction invoke;
static const char* connection;
static pthread_mutex_t printing = PTHREAD_MUTEX_INITIALIZER;

static int show(const char* label, char* json)
{
	if (!json)
	{
		printf("%s\tNULL\n", label);
		return 1;
	}
	pthread_mutex_lock(&printing);
	printf("%s\t%s\n", label, json);
	pthread_mutex_unlock(&printing);
	release(json);
	return 0;
}

static void* askForToken(void* unused)
{
	(void)unused;
	return show("thread", invoke("oauth2AccessToken", "{}", connection)) ? (void*)1 : NULL;
}

/* THREADS threads, one token call each, all at once. */
static int inThreads(int count)
{
	pthread_t threads[64];
	int failures = 0;
	if (count < 1 || count > 64) return 2;
	for (int i = 0; i < count; ++i) pthread_create(&threads[i], NULL, askForToken, NULL);
	for (int i = 0; i < count; ++i)
	{
		void* failed = NULL;
		pthread_join(threads[i], &failed);
		failures += failed != NULL;
	}
	return failures ? 1 : 0;
}

int main(int argc, char** argv)
{
	if (argc != 3 && argc != 4)
	{
		fprintf(stderr, "usage: c_host MODULE CONNECTION_JSON [THREADS]\n");
		return 2;
	}
	void* module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!module)
	{
		fprintf(stderr, "c_host: %s\n", dlerror());
		return 1;
	}
	/* POSIX's way of turning dlsym's object pointer into a function pointer. */
	VersionFunction version;
	DescribeFunction describe;
	*(void**)&version = dlsym(module, "falcon_plugin_api_version");
	*(void**)&describe = dlsym(module, "falcon_plugin_describe");
	*(void**)&invoke = dlsym(module, "falcon_plugin_invoke");
	*(void**)&release = dlsym(module, "falcon_plugin_free");
	if (!version || !describe || !invoke || !release)
	{
		fprintf(stderr, "c_host: the module lacks the C interface\n");
		return 1;
	}
	if (version() != FALCON_PLUGIN_API_VERSION)
	{
		fprintf(stderr, "c_host: plugin API %d, expected %d\n", version(), FALCON_PLUGIN_API_VERSION);
		return 1;
	}
	connection = argv[2];
	if (argc == 4) return inThreads(atoi(argv[3]));
	int failures = 0;
	failures += show("describe", describe());
	failures += show("token", invoke("oauth2AccessToken", "{}", connection));
	failures += show("token-cached", invoke("token", "{}", connection));
	failures += show("token-forced", invoke("token", "{\"force\": true}", connection));
	failures += show("revoke", invoke("oauth2RevokeToken", "{\"token\": \"no-such-token\"}", connection));
	failures += show("unknown-action", invoke("oauth2Nonsense", "{}", connection));
	failures += show("malformed-input", invoke("token", "{not json", connection));
	failures += show("malformed-connection", invoke("token", "{}", "[1, 2"));
	failures += show("null-input", invoke("token", NULL, connection));
	failures += show("null-action", invoke(NULL, "{}", connection));
	release(NULL);
	dlclose(module);
	return failures ? 1 : 0;
}
