#include "falcon/oauth2/Wire.h"

#include "falcon/oauth2/Version.h"
#include "falcon/oauth2/http/HttpTransport.h"
#include "falcon/oauth2/store/RedisSocket.h"

namespace Falcon {
namespace OAuth2 {

namespace {

std::unique_ptr<Transport> httpTransport(const TransportSettings& settings, Poco::Logger& logger, Redactor& redactor)
{
	return std::make_unique<HttpTransport>(settings, logger, redactor);
}

std::shared_ptr<RedisConnection> redisSocket(const RedisAddress& address, const std::string& password,
	std::chrono::milliseconds timeout, std::size_t maxReplyBytes)
{
	return std::make_shared<RedisSocket>(address, password, timeout, maxReplyBytes);
}

} // namespace

const Wire& wire()
{
	static const Wire linked{FALCON_OAUTH2_PRODUCT, httpTransport, redisSocket};
	return linked;
}

}
} // namespace Falcon::OAuth2
