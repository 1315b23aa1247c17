#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace Falcon {
namespace Emulator {

/// The tokens an emulator has issued: random and opaque, each bound to its client, member CID
/// and cloud, rejected once expired or revoked.
class TokenStore
{
public:
	using Clock = std::chrono::steady_clock;

	enum class State
	{
		Valid,
		Unknown,
		Expired,
		Revoked
	};

	std::string issue(const std::string& clientId, const std::string& memberCid, const std::string& cloud,
		std::chrono::seconds lifetime);

	/// The token's state as seen from `cloud` (a token is only valid in the cloud that issued it).
	State check(const std::string& token, const std::string& cloud) const;

	/// Marks the token revoked; true if it was known.
	bool revoke(const std::string& token);

	std::size_t size() const;

private:
	struct Entry
	{
		std::string clientId;
		std::string memberCid;
		std::string cloud;
		Clock::time_point expiresAt;
		bool revoked = false;
	};

	void purgeExpired(Clock::time_point now);

	mutable std::mutex _mutex;
	std::unordered_map<std::string, Entry> _tokens;
	unsigned long _issued = 0;
};

}
} // namespace Falcon::Emulator
