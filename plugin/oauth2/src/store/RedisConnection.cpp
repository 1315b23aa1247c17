#include "falcon/oauth2/store/RedisConnection.h"

#include "falcon/oauth2/core/ProcessLocal.h"

#include <Poco/Exception.h>

#include <map>
#include <mutex>

namespace Falcon {
namespace OAuth2 {

std::shared_ptr<RedisConnection> RedisConnection::shared(const RedisAddress& address, const std::string& password,
	std::chrono::milliseconds timeout, std::size_t maxReplyBytes, Factory factory)
{
	if (!factory) throw Poco::InvalidArgumentException("RedisConnection::shared: no factory for a connection");
	struct Connections
	{
		std::mutex mutex;
		std::map<std::string, std::weak_ptr<RedisConnection>> byKey;
	};
	static ProcessLocal<Connections> processConnections;
	Connections& connections = processConnections.get();
	// str() names the server, the user and the database; the password and the limits tell
	// apart stores that must not share what they send.
	const std::string key =
		address.str() + '\n' + std::to_string(timeout.count()) + '\n' + std::to_string(maxReplyBytes) + '\n' + password;
	std::lock_guard<std::mutex> lock(connections.mutex);
	for (auto it = connections.byKey.begin(); it != connections.byKey.end();)
		it = it->second.expired() ? connections.byKey.erase(it) : std::next(it);
	std::weak_ptr<RedisConnection>& slot = connections.byKey[key];
	std::shared_ptr<RedisConnection> connection = slot.lock();
	if (!connection)
	{
		connection = factory(address, password, timeout, maxReplyBytes);
		slot = connection;
	}
	return connection;
}

}
} // namespace Falcon::OAuth2
