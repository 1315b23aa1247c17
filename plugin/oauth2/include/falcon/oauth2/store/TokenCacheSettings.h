#pragma once

#include "falcon/oauth2/store/RedisConnection.h"
#include "falcon/oauth2/store/SharedTokenStore.h"

#include <chrono>
#include <memory>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// Where a session keeps its token besides its own memory (see SharedTokens).
struct TokenCacheSettings
{
	enum class Store
	{
		Memory, ///< this process only
		File, ///< shared by this user's processes on this machine (FileTokenStore)
		Redis ///< shared by every host that reaches one Redis server (RedisTokenStore)
	};

	Store store = Store::Memory;
	std::string directory; ///< the file store's; "" for its default

	std::string redisUrl; ///< redis://[USER@]HOST[:PORT][/DB] or unix:///PATH[?db=DB]
	std::string redisPassword; ///< a secret; "" for none
	std::string keyPrefix; ///< put before every Redis key
	std::chrono::milliseconds lockTtl{10000}; ///< a Redis lock's life past its holder: a living holder extends it
	std::chrono::milliseconds storeTimeout{500}; ///< one Redis exchange, inside the call's deadline

	/// Throws InvalidInputException naming the `token_cache` field at fault.
	void validate() const;

	/// The store these settings name, or null for memory only. The one place a store is made; a
	/// Redis store's connection comes from `redisConnections` unless the process has one already.
	std::unique_ptr<SharedTokenStore> open(RedisConnection::Factory redisConnections) const;
};

}
} // namespace Falcon::OAuth2
