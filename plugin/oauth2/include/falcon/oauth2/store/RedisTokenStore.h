#pragma once

#include "falcon/oauth2/store/RedisConnection.h"
#include "falcon/oauth2/store/SharedTokenStore.h"

#include <chrono>
#include <memory>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// The store for many hosts on many machines: entries are Redis keys (`key_prefix` + the entry's
/// name) that expire with their token (`PX`). The lock is a key of its own, set with `NX PX
/// lock_ttl` to a random value and released by a compare-and-delete script, so that nobody
/// releases another's lock. A living holder extends its lock every third of `lock_ttl` (a slow
/// token route keeps the others waiting for its token, not minting their own); a holder that
/// crashed blocks the others for `lock_ttl` at most, then they mint themselves. Every operation is one exchange of
/// at most `timeout` (RedisConnection); a failure throws, and SharedTokens takes it from there.
class RedisTokenStore: public SharedTokenStore
{
public:
	struct Settings
	{
		RedisAddress address;
		std::string password; ///< a secret; "" for none
		std::string keyPrefix;
		std::chrono::milliseconds lockTtl{10000};
		std::chrono::milliseconds timeout{500};
		RedisConnection::Factory connections = nullptr; ///< makes the connection when the process has none
	};

	explicit RedisTokenStore(const Settings& settings);

	std::optional<std::string> read(const std::string& name, Deadline deadline) override;
	void write(const std::string& name, const std::string& bytes, SharedEntry::WallClock::time_point expiresAt,
		Deadline deadline) override;
	void remove(const std::string& name, const std::string& bytes, Deadline deadline) override;
	std::unique_ptr<StoreLock> lock(const std::string& name, const CallBounds& call) override;
	std::string describe() const override { return "Redis store " + _connection->address().str(); }
	std::string caution() const override;

	/// How often a waiter asks for the lock again.
	static constexpr std::chrono::milliseconds LOCK_POLL{10};

private:
	class Lock;

	/// One command, one reply; a Redis error reply is thrown.
	RedisReply run(const RedisConnection::Command& command, Deadline deadline);
	/// Deletes `key` if it holds exactly `value`, atomically (a Lua script).
	void removeIf(const std::string& key, const std::string& value, Deadline deadline);
	/// Gives `key` another `lock_ttl` if it still holds `value`; false when it does not.
	bool extendIf(const std::string& key, const std::string& value, Deadline deadline);

	std::shared_ptr<RedisConnection> _connection; ///< the process's one connection to this server (shared)
	std::string _keyPrefix;
	std::chrono::milliseconds _lockTtl;
	std::chrono::milliseconds _timeout;
};

}
} // namespace Falcon::OAuth2
