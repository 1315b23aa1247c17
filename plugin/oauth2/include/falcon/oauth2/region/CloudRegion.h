#pragma once

#include <string>
#include <vector>

namespace Falcon {
namespace OAuth2 {

/// One Falcon cloud: its canonical name, the other names users type for it, and its API URL.
struct CloudRegion
{
	std::string name;
	std::vector<std::string> aliases;
	std::string baseUrl;
	bool discoverable = true; ///< gov clouds are never switched to by X-Cs-Region
};

/// The clouds a client may talk to, with the contract's name rules. `falcon()` is the one table
/// of real clouds; tests build their own tables that point at loopback servers.
class RegionTable
{
public:
	explicit RegionTable(std::vector<CloudRegion> regions);

	/// The Falcon clouds (contract section 3).
	static const RegionTable& falcon();

	/// Finds a cloud by name or alias: trimmed, case-insensitive, dashes optional. Null if unknown.
	const CloudRegion* find(const std::string& name) const;

	/// Finds the cloud whose canonical base URL this is (case-insensitive, trailing '/' ignored).
	const CloudRegion* findByBaseUrl(const std::string& url) const;

	/// Turns a cloud name, a bare host or a full URL into a base URL. Throws
	/// InvalidInputException naming `field` when the value is empty or an unknown cloud name.
	std::string resolveBaseUrl(const std::string& cloudOrUrl, const std::string& field = "cloud") const;

	/// True for the hosts of the table's clouds and for any host under crowdstrike.com or
	/// crowdstrike.mil: the only foreign hosts a redirect may lead to.
	bool isFalconHost(const std::string& host) const;

	/// The comma-separated canonical names, for error messages and schema enums.
	std::string names() const;

	const std::vector<CloudRegion>& regions() const { return _regions; }

	static std::string normalizeName(const std::string& name);

private:
	std::vector<CloudRegion> _regions;
};

}
} // namespace Falcon::OAuth2
