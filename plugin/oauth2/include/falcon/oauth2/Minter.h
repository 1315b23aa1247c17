#pragma once

#include "falcon/oauth2/ClientConfig.h"
#include "falcon/oauth2/region/RegionRouter.h"
#include "falcon/oauth2/http/RetryPolicy.h"
#include "falcon/oauth2/RouteCaller.h"
#include "falcon/oauth2/TokenSource.h"

#include <Poco/Logger.h>

namespace Falcon {
namespace OAuth2 {

/// The bottom of the chain: the token route, retried on 429 and 5xx while the wait fits before
/// the deadline; a success's X-Cs-Region moves the router to the credentials' cloud.
class Minter: public TokenSource
{
public:
	Minter(const ClientConfig& config, RouteCaller& caller, RegionRouter& router, Redactor& redactor,
		Poco::Logger& logger);

	TokenResult token(const TokenCall& call) override;
	void forget(const std::string&, const CallBounds&) override {}
	bool revoked(const std::string&, const CallBounds&) override { return false; }

private:
	RouteCaller& _caller;
	RegionRouter& _router;
	Redactor& _redactor;
	Poco::Logger& _logger;
	RetryPolicy _retryPolicy;
	WireRequest _request;
};

}
} // namespace Falcon::OAuth2
