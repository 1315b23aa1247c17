// The entry points Poco::ClassLoader looks for. Classes are exported under their operation IDs.

#include "AccessTokenAction.h"
#include "RevokeTokenAction.h"

#include <Poco/ClassLibrary.h>

POCO_BEGIN_MANIFEST(Falcon::Plugin::Action)
	POCO_EXPORT_INTERFACE(Falcon::Actions::AccessTokenAction, "oauth2AccessToken")
	POCO_EXPORT_INTERFACE(Falcon::Actions::RevokeTokenAction, "oauth2RevokeToken")
POCO_END_MANIFEST
