#include "falcon/oauth2/store/TokenCacheSettings.h"

#include "falcon/oauth2/store/FileTokenStore.h"
#include "falcon/oauth2/store/RedisAddress.h"
#include "falcon/oauth2/store/RedisTokenStore.h"

namespace Falcon {
namespace OAuth2 {

std::unique_ptr<SharedTokenStore> TokenCacheSettings::open(RedisConnection::Factory redisConnections) const
{
	switch (store)
	{
	case Store::Memory: return nullptr;
	case Store::File: return std::make_unique<FileTokenStore>(directory);
	case Store::Redis:
		return std::make_unique<RedisTokenStore>(RedisTokenStore::Settings{RedisAddress::parse(redisUrl, "token_cache"),
			redisPassword, keyPrefix, lockTtl, storeTimeout, redisConnections});
	}
	return nullptr;
}

}
} // namespace Falcon::OAuth2
