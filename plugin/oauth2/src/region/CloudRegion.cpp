#include "falcon/oauth2/region/CloudRegion.h"

#include "falcon/oauth2/net/Endpoint.h"
#include "falcon/oauth2/core/Error.h"

#include <Poco/String.h>
#include <Poco/URI.h>

namespace Falcon {
namespace OAuth2 {

RegionTable::RegionTable(std::vector<CloudRegion> regions): _regions(std::move(regions))
{
}

const RegionTable& RegionTable::falcon()
{
	// Contract section 3. New regions go here and nowhere else.
	static const RegionTable table({
		{"us-1", {"us1", "auto"}, "https://api.crowdstrike.com", true},
		{"us-2", {"us2"}, "https://api.us-2.crowdstrike.com", true},
		{"us-3", {"us3"}, "https://api.us-3.crowdstrike.com", true},
		{"eu-1", {"eu1"}, "https://api.eu-1.crowdstrike.com", true},
		{"us-gov-1", {"usgov1", "gov1"}, "https://api.laggar.gcw.crowdstrike.com", false},
		{"us-gov-2", {"usgov2", "gov2"}, "https://api.us-gov-2.crowdstrike.mil", false},
	});
	return table;
}

std::string RegionTable::normalizeName(const std::string& name)
{
	std::string normalized;
	for (char c : Poco::trim(name))
	{
		if (c != '-') normalized += static_cast<char>(Poco::Ascii::toLower(c));
	}
	return normalized;
}

const CloudRegion* RegionTable::find(const std::string& name) const
{
	const std::string wanted = normalizeName(name);
	if (wanted.empty()) return nullptr;
	for (const auto& region : _regions)
	{
		if (normalizeName(region.name) == wanted) return &region;
		for (const auto& alias : region.aliases)
		{
			if (normalizeName(alias) == wanted) return &region;
		}
	}
	return nullptr;
}

namespace {

std::string withoutTrailingSlash(std::string url)
{
	if (!url.empty() && url.back() == '/') url.pop_back();
	return url;
}

} // namespace

const CloudRegion* RegionTable::findByBaseUrl(const std::string& url) const
{
	const std::string wanted = withoutTrailingSlash(Poco::trim(url));
	for (const auto& region : _regions)
	{
		if (Poco::icompare(region.baseUrl, wanted) == 0) return &region;
	}
	return nullptr;
}

std::string RegionTable::resolveBaseUrl(const std::string& cloudOrUrl, const std::string& field) const
{
	const std::string value = Poco::trim(cloudOrUrl);
	if (value.empty()) throw InvalidInputException(field + ": must not be empty");
	if (value.find("://") != std::string::npos) return withoutTrailingSlash(value);
	if (const CloudRegion* region = find(value)) return region->baseUrl;
	// A bare host ("api.example.com" or "gateway:8443") gets https://; a plain word is a typo
	// of a cloud name, and saying so beats trying to resolve it as a host.
	if (value.find('.') != std::string::npos || value.find(':') != std::string::npos)
		return "https://" + withoutTrailingSlash(value);
	throw InvalidInputException(field + ": unknown cloud '" + value + "' (expected one of " + names() + ", or a URL)");
}

bool RegionTable::isFalconHost(const std::string& host) const
{
	const std::string lower = Poco::toLower(host);
	if (Poco::endsWith(lower, std::string(".crowdstrike.com"))
		|| Poco::endsWith(lower, std::string(".crowdstrike.mil")))
		return true;
	for (const auto& region : _regions)
	{
		if (Poco::icompare(Poco::URI(region.baseUrl).getHost(), lower) == 0) return true;
	}
	return false;
}

std::string RegionTable::names() const
{
	std::string result;
	for (const auto& region : _regions)
	{
		if (!result.empty()) result += ", ";
		result += region.name;
	}
	return result;
}

}
} // namespace Falcon::OAuth2
