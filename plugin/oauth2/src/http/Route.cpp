#include "falcon/oauth2/http/Route.h"

namespace Falcon {
namespace OAuth2 {

const std::string& pathOf(Route route)
{
	static const std::string token = "/oauth2/token";
	static const std::string revoke = "/oauth2/revoke";
	return route == Route::Token ? token : revoke;
}

}
} // namespace Falcon::OAuth2
