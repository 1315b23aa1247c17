#pragma once

#include <string>

namespace Falcon {
namespace OAuth2 {

/// The API routes a session calls.
enum class Route
{
	Token,
	Revoke
};

/// The route's path below the base URL ("/oauth2/token").
const std::string& pathOf(Route route);

}
} // namespace Falcon::OAuth2
