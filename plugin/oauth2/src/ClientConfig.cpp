#include "falcon/oauth2/ClientConfig.h"

#include "falcon/oauth2/net/Endpoint.h"
#include "falcon/oauth2/core/Error.h"
#include "falcon/oauth2/net/ProxySettings.h"
#include "falcon/oauth2/store/RedisAddress.h"

#include <Poco/File.h>

#include <algorithm>

namespace Falcon {
namespace OAuth2 {

namespace {

/// Values go into form bodies and headers: no control characters (a CR/LF would let a value
/// inject headers), and a sane length.
void checkText(const std::string& field, const std::string& value, std::size_t maxLength, bool required)
{
	if (value.empty())
	{
		if (required) throw InvalidInputException(field + ": must not be empty");
		return;
	}
	if (value.size() > maxLength)
		throw InvalidInputException(field + ": too long (" + std::to_string(value.size()) + " characters, at most "
			+ std::to_string(maxLength) + ")");
	for (unsigned char c : value)
	{
		if (c < 0x20 || c == 0x7F) throw InvalidInputException(field + ": must not contain control characters");
	}
}

void checkDuration(const std::string& field, std::chrono::milliseconds value, std::chrono::milliseconds max)
{
	if (value.count() <= 0) throw InvalidInputException(field + ": must be greater than zero");
	if (value > max)
		throw InvalidInputException(field + ": must be at most " + std::to_string(max.count() / 1000) + " s");
}

} // namespace

void TokenCacheSettings::validate() const
{
	if (store != Store::Redis) return;
	if (redisUrl.empty())
		throw InvalidInputException(
			"token_cache.url: required with the redis store (redis://HOST:PORT/DB or unix:///PATH)");
	const RedisAddress address = RedisAddress::parse(redisUrl, "token_cache");
	checkText("token_cache.password", redisPassword, 1024, false);
	// AUTH goes with a password only: a user named alone would be silently nobody.
	if (!address.username.empty() && redisPassword.empty())
		throw InvalidInputException("token_cache: the URL names the Redis user " + address.username
			+ " but no password is given (token_cache_password, FALCON_TOKEN_CACHE_PASSWORD or the token cache's "
			  "\"password\")");
	checkText("token_cache.key_prefix", keyPrefix, 256, false);
	if (lockTtl < std::chrono::milliseconds(100) || lockTtl > std::chrono::minutes(10))
		throw InvalidInputException("token_cache.lock_ttl_ms: must be between 100 and 600000");
	if (storeTimeout < std::chrono::milliseconds(1) || storeTimeout > std::chrono::minutes(1))
		throw InvalidInputException("token_cache.timeout_ms: must be between 1 and 60000");
}

std::chrono::seconds ClientConfig::clampRenewalWindow(std::chrono::seconds window)
{
	return std::clamp(window, std::chrono::seconds(120), std::chrono::seconds(1200));
}

std::string ClientConfig::effectiveBaseUrl() const
{
	if (!baseUrl.empty()) return regions->resolveBaseUrl(baseUrl, "base_url");
	return regions->resolveBaseUrl(cloud, "cloud");
}

void ClientConfig::validate() const
{
	if (!regions) throw InvalidInputException("cloud: no region table");
	Endpoint::parse(effectiveBaseUrl(), baseUrl.empty() ? "cloud" : "base_url");
	checkText("client_id", clientId, 256, true);
	if (clientId.find_first_of(" \t") != std::string::npos)
		throw InvalidInputException("client_id: must not contain spaces");
	checkText("client_secret", clientSecret, 1024, true);
	checkText("member_cid", memberCid, 128, false);
	if (memberCid.find_first_not_of("0123456789abcdefABCDEF-") != std::string::npos)
		throw InvalidInputException("member_cid: must be a CID (hexadecimal digits, optionally with a '-' checksum)");
	checkText("user_agent", userAgent, 256, false);
	if (!caBundle.empty())
	{
		Poco::File file(caBundle);
		if (!file.exists()) throw InvalidInputException("ca_bundle: no such file: " + caBundle);
		if (!file.isFile() || !file.canRead())
			throw InvalidInputException("ca_bundle: not a readable file: " + caBundle);
	}
	ProxySettings::parse(proxy, "proxy");
	checkDuration("connect_timeout", connectTimeout, std::chrono::minutes(10));
	checkDuration("read_timeout", readTimeout, std::chrono::minutes(10));
	checkDuration("call_timeout", callTimeout, std::chrono::hours(1));
	if (maxResponseBytes < 1024 || maxResponseBytes > 64 * 1024 * 1024)
		throw InvalidInputException("max_response_bytes: must be between 1024 and 67108864");
	if (maxRetries > 10) throw InvalidInputException("max_retries: must be between 0 and 10");
	checkDuration("retry_base_delay", retryBaseDelay, std::chrono::minutes(5));
	checkDuration("retry_max_delay", retryMaxDelay, std::chrono::minutes(10));
	checkDuration("login_backoff_initial", loginBackoffInitial, std::chrono::hours(1));
	checkDuration("login_backoff_max", loginBackoffMax, std::chrono::hours(24));
	tokenCache.validate();
}

}
} // namespace Falcon::OAuth2
