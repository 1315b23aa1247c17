#pragma once

#include "falcon/oauth2/http/ApiResult.h"
#include "falcon/oauth2/ClientConfig.h"
#include "falcon/oauth2/core/Deadline.h"
#include "falcon/oauth2/http/FormBody.h"
#include "falcon/oauth2/core/Redactor.h"
#include "falcon/oauth2/region/RegionRouter.h"
#include "falcon/oauth2/http/Route.h"
#include "falcon/oauth2/http/SharedTransport.h"

#include <Poco/Logger.h>

namespace Falcon {
namespace OAuth2 {

/// A session's calls on the wire: one route, its reply read the way the route's contract says,
/// 308s followed as the router allows, and one debug line per exchange. Never throws; failures
/// come back as results whose messages hold no secret the redactor knows.
class RouteCaller
{
public:
	/// Requests go through a transport `transports` makes on the first request.
	RouteCaller(const ClientConfig& config, RegionRouter& router, Redactor& redactor, Poco::Logger& logger,
		TransportFactory transports);

	ApiResult post(Route route, const WireRequest& request, const CallBounds& call);

	/// A form POST with the headers every request carries (User-Agent, CrowdStrike-SDK, Accept).
	WireRequest formRequest(const FormBody& form) const;

	/// A result that never reached the API: 400 for a refusal of the caller's input, else 500.
	ApiResult failure(Error error) const;

	unsigned connectionsOpened() const { return _transport.connectionsOpened(); }

private:
	ApiResult send(Route route, const WireRequest& request, const CallBounds& call);
	void logExchange(Route route, const WireRequest& request, const ApiResult& result, Clock::duration took) const;

	const std::string _userAgent;
	RegionRouter& _router;
	Redactor& _redactor;
	Poco::Logger& _logger;
	TransportSettings _transportSettings;
	SharedTransport _transport;
};

}
} // namespace Falcon::OAuth2
