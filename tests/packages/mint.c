/*
 * A C program built with `pkg-config --cflags falcon-plugin-api` that dlopens the installed
 * module from the pkg-config plugindir and mints a token.
 * Usage: mint PLUGIN_DIR CONNECTION_JSON; prints the token action's status code.
 */
#include <falcon/plugin/falcon_plugin.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv)
{
	if (argc != 3) return 2;
	char path[4096];
	snprintf(path, sizeof(path), "%s/libfalcon-oauth2-plugin.so", argv[1]);
	void* module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!module)
	{
		fprintf(stderr, "mint: %s\n", dlerror());
		return 1;
	}
	char* (*invoke)(const char*, const char*, const char*);
	void (*release)(char*);
	*(void**)&invoke = dlsym(module, "falcon_plugin_invoke");
	*(void**)&release = dlsym(module, "falcon_plugin_free");
	if (!invoke || !release) return 1;
	char* result = invoke("oauth2AccessToken", "{}", argv[2]);
	const int minted = result && strstr(result, "\"status_code\":201") != NULL;
	printf("%s\n", minted ? "201" : "failed");
	release(result);
	return minted ? 0 : 1;
}
