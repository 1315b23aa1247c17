// A module that claims a plugin API version no host speaks: hosts must refuse it cleanly.

#include "falcon/plugin/Action.h"
#include "falcon/plugin/falcon_plugin.h"

#include <Poco/ClassLibrary.h>

extern "C" int falcon_plugin_api_version(void)
{
	return FALCON_PLUGIN_API_VERSION + 998;
}

POCO_BEGIN_MANIFEST(Falcon::Plugin::Action)
POCO_END_MANIFEST
