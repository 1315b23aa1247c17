/*
 * The plugin's plain C interface, for hosts that are not C++ (or not built with the same C++
 * toolchain). JSON in, JSON out; nothing throws; memory the plugin returns is freed with
 * falcon_plugin_free().
 */
#ifndef FALCON_PLUGIN_H
#define FALCON_PLUGIN_H

#ifdef __cplusplus
extern "C" {
#endif

/** The version of the host <-> plugin contract this header describes. Version 2: a call the host
 *  cancels fails with error kind "cancelled" (version 1 reported "timeout"), and C++ hosts hand
 *  the module a Falcon::Plugin::Cancellation. */
#define FALCON_PLUGIN_API_VERSION 2

/** The contract version the loaded module implements; a host refuses a module whose version
 *  differs from FALCON_PLUGIN_API_VERSION before using anything else in it. */
__attribute__((visibility("default"))) int falcon_plugin_api_version(void);

/** {"plugin": {...plugin.json...}, "connection_schema": {...}, "actions": [{"operation_id",
 *  "alias", "description", "input_schema", "output_schema"}]}. Free with falcon_plugin_free(). */
__attribute__((visibility("default"))) char* falcon_plugin_describe(void);

/** Runs an action (operation ID or alias) with a JSON input object and a JSON connection object.
 *  Returns FalconPy's {"status_code", "headers", "body"} plus "error" on failure, as JSON; bad
 *  arguments come back the same way (status 400, or 418 for an unknown action), never as a crash.
 *  Free with falcon_plugin_free(). NULL only when the process is out of memory. */
__attribute__((visibility("default"))) char* falcon_plugin_invoke(
	const char* action, const char* input_json, const char* connection_json);

/** Frees a string returned by this module. NULL is allowed. */
__attribute__((visibility("default"))) void falcon_plugin_free(char* text);

#ifdef __cplusplus
}
#endif

#endif
