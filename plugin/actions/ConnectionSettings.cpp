#include "ConnectionSettings.h"

#include <cmath>

namespace Falcon {
namespace Actions {

namespace {

std::chrono::milliseconds milliseconds(const Poco::JSON::Object::Ptr& connection, const std::string& field, std::chrono::milliseconds fallback)
{
	if (!connection->has(field)) return fallback;
	return std::chrono::milliseconds(static_cast<long long>(std::llround(connection->getValue<double>(field) * 1000)));
}

template <typename T>
T valueOr(const Poco::JSON::Object::Ptr& connection, const std::string& field, T fallback)
{
	return connection->has(field) ? connection->getValue<T>(field) : fallback;
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
	config.maxResponseBytes = static_cast<std::size_t>(valueOr<Poco::Int64>(connection, "max_response_bytes", 1024 * 1024));
	return config;
}

}} // namespace Falcon::Actions
