#pragma once

#include "falcon/oauth2/region/CloudRegion.h"
#include "falcon/oauth2/net/Endpoint.h"
#include "falcon/oauth2/core/Error.h"
#include "falcon/oauth2/http/Route.h"

#include <Poco/Logger.h>

#include <mutex>
#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// Where a session's requests go: the base URL (the configured one, or the cloud region
/// autodiscovery switched to) and which 308 redirects are followed. Safe to share between threads.
class RegionRouter
{
public:
	static constexpr unsigned MAX_REDIRECTS = 3;

	/// Starts at `base` (the configured base URL, or the configured cloud's).
	RegionRouter(const Endpoint& base, const RegionTable& regions, Poco::Logger& logger);

	/// The full URL of `route` on the current base.
	Endpoint target(Route route) const;

	/// The next hop of a 308 that `from` answered with `location` after `hops` redirects, or the
	/// error refusing it: only to https (when it was https), to a CrowdStrike host or the same
	/// host, to the same route, and at most MAX_REDIRECTS times.
	std::optional<Error> follow(
		Route route, const Endpoint& from, const std::string& location, unsigned hops, Endpoint& next) const;

	/// Region autodiscovery: a token reply's X-Cs-Region moves a canonical cloud URL to the
	/// cloud the credentials belong to. A custom base URL is never overwritten.
	void discover(const std::string& announcedRegion);
	/// The same from a base URL another process discovered (a shared token store's entry).
	void adopt(const std::string& discoveredBaseUrl);

	std::string baseUrl() const;

private:
	const RegionTable& _regions;
	Poco::Logger& _logger;
	mutable std::mutex _mutex;
	Endpoint _base;
	bool _baseIsCanonical;
};

}
} // namespace Falcon::OAuth2
