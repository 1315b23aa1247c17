#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace Falcon {
namespace Emulator {

/// An API client as the Falcon console would define it.
struct ApiClient
{
	std::string clientId;
	std::string clientSecret;
	std::string cloud = "us-1"; ///< its home cloud
	std::vector<std::string> memberCids; ///< MSSP children it may act for
	std::vector<std::string> allowedIps; ///< empty: any source address

	bool allowsMember(const std::string& cid) const;
	bool allowsIp(const std::string& ip) const;
};

/// The API clients an emulator knows, loaded from JSON:
/// `{"clients": [{"client_id": "...", "client_secret": "...", "cloud": "us-2",
///   "member_cids": ["..."], "allowed_ips": ["127.0.0.1"]}]}`
class ApiClients
{
public:
	ApiClients() = default;
	ApiClients(const ApiClients& other);
	ApiClients& operator=(const ApiClients& other);

	/// Parses `json`; throws Poco::DataFormatException naming the entry and field on bad input.
	static ApiClients fromJSON(const std::string& json);
	static ApiClients fromFile(const std::string& path);

	void add(ApiClient client);
	std::optional<ApiClient> find(const std::string& clientId) const;
	/// The first client (by ID) whose home is `cloud`, if any.
	std::optional<ApiClient> firstOf(const std::string& cloud) const;
	std::size_t size() const;

private:
	mutable std::mutex _mutex;
	std::map<std::string, ApiClient> _clients;
};

}
} // namespace Falcon::Emulator
