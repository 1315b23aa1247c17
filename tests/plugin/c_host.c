/*
 * A C host: dlopens the plugin module and drives it through falcon_plugin.h only.
 * Usage: c_host MODULE CONNECTION_JSON
 * Prints one line per call: the JSON the module returned. Exits 0 when every call returned
 * something, 1 when the module could not be used, 2 for bad usage.
 */
#include "falcon/plugin/falcon_plugin.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef int (*VersionFunction)(void);
typedef char* (*DescribeFunction)(void);
typedef char* (*InvokeFunction)(const char*, const char*, const char*);
typedef void (*FreeFunction)(char*);

static FreeFunction release;

static int show(const char* label, char* json)
{
	if (!json)
	{
		printf("%s\tNULL\n", label);
		return 1;
	}
	printf("%s\t%s\n", label, json);
	release(json);
	return 0;
}

int main(int argc, char** argv)
{
	if (argc != 3)
	{
		fprintf(stderr, "usage: c_host MODULE CONNECTION_JSON\n");
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
	InvokeFunction invoke;
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
	const char* connection = argv[2];
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
