// The entry points Poco::ClassLoader looks for (classes are exported under their operation IDs),
// and the C++ ABI tag a C++ host checks before it trusts them.

#include "AccessTokenAction.h"
#include "RevokeTokenAction.h"

#include "falcon/plugin/CxxAbi.h"

#include <Poco/ClassLibrary.h>

POCO_BEGIN_MANIFEST(Falcon::Plugin::Action)
POCO_EXPORT_INTERFACE(Falcon::Actions::AccessTokenAction, "oauth2AccessToken")
POCO_EXPORT_INTERFACE(Falcon::Actions::RevokeTokenAction, "oauth2RevokeToken")
POCO_END_MANIFEST

const char* falcon_plugin_cxx_abi(void)
{
	return FALCON_PLUGIN_CXX_ABI_TAG;
}
