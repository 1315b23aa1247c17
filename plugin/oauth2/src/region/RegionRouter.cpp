#include "falcon/oauth2/region/RegionRouter.h"

#include <Poco/String.h>

namespace Falcon {
namespace OAuth2 {

RegionRouter::RegionRouter(const Endpoint& base, const RegionTable& regions, Poco::Logger& logger):
	_regions(regions), _logger(logger), _base(base), _baseIsCanonical(_regions.findByBaseUrl(_base.str()) != nullptr)
{
}

void RegionRouter::adopt(const std::string& discoveredBaseUrl)
{
	if (const CloudRegion* region = _regions.findByBaseUrl(discoveredBaseUrl)) discover(region->name);
}

std::string RegionRouter::baseUrl() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _base.str();
}

Endpoint RegionRouter::target(Route route) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _base.withPath(_base.path + pathOf(route));
}

std::optional<Error> RegionRouter::follow(
	Route route, const Endpoint& from, const std::string& location, unsigned hops, Endpoint& next) const
{
	const std::string& path = pathOf(route);
	auto refused = [&](const std::string& why) {
		return Error{
			ErrorKind::Protocol, "refused to follow 308 from " + from.str() + ": " + why, false, std::nullopt, {}};
	};
	if (hops >= MAX_REDIRECTS)
		return Error{ErrorKind::Protocol,
			"more than " + std::to_string(MAX_REDIRECTS) + " redirects on " + path + "; stopped at " + from.str(),
			false, std::nullopt, {}};
	if (location.empty()) return refused("no Location header");
	try
	{
		next = location.front() == '/' ? from.withPath(location) : Endpoint::parse(location, "Location");
	}
	catch (const InvalidInputException& e)
	{
		return refused(e.message());
	}
	if (from.secure() && !next.secure()) return refused("it would downgrade https to http (" + next.str() + ")");
	if (!next.sameHost(from) && !_regions.isFalconHost(next.host))
		return refused(next.host + " is neither a CrowdStrike host nor the host the request went to");
	if (!Poco::endsWith(next.path, path)) return refused("it leads away from " + path + " (" + next.str() + ")");
	return std::nullopt;
}

void RegionRouter::discover(const std::string& announcedRegion)
{
	if (announcedRegion.empty()) return;
	const CloudRegion* region = _regions.find(announcedRegion);
	if (!region || !region->discoverable) return;
	std::lock_guard<std::mutex> lock(_mutex);
	if (!_baseIsCanonical) return;
	const CloudRegion* current = _regions.findByBaseUrl(_base.str());
	if (!current || current == region) return;
	_logger.information("region autodiscovery: these credentials belong to " + region->name + "; switching from "
		+ current->name + " (" + current->baseUrl + ") to " + region->baseUrl);
	_base = Endpoint::parse(region->baseUrl, "X-Cs-Region");
}

}
} // namespace Falcon::OAuth2
