// A module a host must refuse cleanly: built with MODULE_API_VERSION for the plugin API version it
// claims, and (through FALCON_PLUGIN_CXX_ABI_TAG) with the C++ ABI tag it reports.

#include "falcon/plugin/Action.h"
#include "falcon/plugin/CxxAbi.h"
#include "falcon/plugin/falcon_plugin.h"

#include <Poco/ClassLibrary.h>

extern "C" int falcon_plugin_api_version(void)
{
	return MODULE_API_VERSION;
}

extern "C" const char* falcon_plugin_cxx_abi(void)
{
	return FALCON_PLUGIN_CXX_ABI_TAG;
}

POCO_BEGIN_MANIFEST(Falcon::Plugin::Action)
POCO_END_MANIFEST
