#include "ConnectionSettings.h"

#include "falcon/plugin/JsonValues.h"

#include <cmath>
#include <cstring>

namespace Falcon {
namespace Actions {

namespace {

std::chrono::milliseconds milliseconds(
	const Poco::JSON::Object::Ptr& connection, const std::string& field, std::chrono::milliseconds fallback)
{
	if (!connection->has(field)) return fallback;
	return std::chrono::milliseconds(static_cast<long long>(std::llround(connection->getValue<double>(field) * 1000)));
}

template <typename T>
T valueOr(const Poco::JSON::Object::Ptr& connection, const std::string& field, T fallback)
{
	return connection->has(field) ? connection->getValue<T>(field) : fallback;
}

bool isRedisUrl(const std::string& text)
{
	for (const char* scheme : {"redis://", "rediss://", "unix://"})
	{
		if (text.compare(0, std::strlen(scheme), scheme) == 0) return true;
	}
	return false;
}

/// "memory", "file", "file:/DIR", a Redis URL, or {"store": ..., ...}; the schema has checked the
/// form, ClientConfig::validate checks the values.
OAuth2::TokenCacheSettings tokenCacheFrom(const Poco::JSON::Object::Ptr& connection)
{
	using Store = OAuth2::TokenCacheSettings::Store;
	OAuth2::TokenCacheSettings settings;
	settings.redisPassword = valueOr<std::string>(connection, "token_cache_password", "");
	if (!connection->has("token_cache")) return settings;
	const Poco::Dynamic::Var value = connection->get("token_cache");
	std::string store;
	if (value.isString())
	{
		const std::string text = value.extract<std::string>();
		if (isRedisUrl(text))
		{
			settings.store = Store::Redis;
			settings.redisUrl = text;
			return settings;
		}
		const auto colon = text.find(':');
		store = text.substr(0, colon);
		if (colon != std::string::npos) settings.directory = text.substr(colon + 1);
	}
	else if (const auto object = Plugin::Json::asObject(value))
	{
		store = object->optValue<std::string>("store", "memory");
		settings.directory = object->optValue<std::string>("path", "");
		settings.redisUrl = object->optValue<std::string>("url", "");
		settings.redisPassword = object->optValue<std::string>("password", settings.redisPassword);
		settings.keyPrefix = object->optValue<std::string>("key_prefix", "");
		settings.lockTtl =
			std::chrono::milliseconds(valueOr<Poco::Int64>(object, "lock_ttl_ms", settings.lockTtl.count()));
		settings.storeTimeout =
			std::chrono::milliseconds(valueOr<Poco::Int64>(object, "timeout_ms", settings.storeTimeout.count()));
	}
	if (store == "file") settings.store = Store::File;
	if (store == "redis") settings.store = Store::Redis;
	return settings;
}

} // namespace

OAuth2::ClientConfig clientConfigFrom(const Poco::JSON::Object::Ptr& connection)
{
	OAuth2::ClientConfig config;
	config.cloud = valueOr<std::string>(connection, "cloud", config.cloud);
	config.baseUrl = valueOr<std::string>(connection, "base_url", "");
	config.clientId = valueOr<std::string>(connection, "client_id", "");
	config.clientSecret = valueOr<std::string>(connection, "client_secret", "");
	config.memberCid = valueOr<std::string>(connection, "member_cid", "");
	config.proxy = valueOr<std::string>(connection, "proxy", "");
	config.caBundle = valueOr<std::string>(connection, "ca_bundle", "");
	config.userAgent = valueOr<std::string>(connection, "user_agent", "");
	config.verifyTls = valueOr<bool>(connection, "verify_tls", true);
	config.connectTimeout = milliseconds(connection, "connect_timeout_s", config.connectTimeout);
	config.readTimeout = milliseconds(connection, "read_timeout_s", config.readTimeout);
	config.callTimeout = milliseconds(connection, "call_timeout_s", config.callTimeout);
	config.renewalWindow = std::chrono::seconds(valueOr<int>(connection, "renewal_window_s", 120));
	config.maxRetries = static_cast<unsigned>(valueOr<int>(connection, "max_retries", 3));
	config.maxResponseBytes =
		static_cast<std::size_t>(valueOr<Poco::Int64>(connection, "max_response_bytes", 1024 * 1024));
	config.tokenCache = tokenCacheFrom(connection);
	return config;
}

}
} // namespace Falcon::Actions
