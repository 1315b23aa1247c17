#pragma once

#include "falcon/oauth2/ApiResult.h"
#include "falcon/oauth2/ClientConfig.h"
#include "falcon/oauth2/Deadline.h"
#include "falcon/oauth2/FormBody.h"
#include "falcon/oauth2/Redactor.h"
#include "falcon/oauth2/RegionRouter.h"
#include "falcon/oauth2/RetryPolicy.h"
#include "falcon/oauth2/Route.h"
#include "falcon/oauth2/SharedTokens.h"
#include "falcon/oauth2/SharedTransport.h"
#include "falcon/oauth2/TokenCache.h"

#include <Poco/Logger.h>

#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// When a call must end, and who may end it sooner.
struct CallLimits
{
	std::optional<Deadline> deadline; ///< default: now + callTimeout
	const Cancellation* cancellation = nullptr; ///< once requested, no further attempt starts and the exchange in flight ends
};

struct TokenOptions: CallLimits
{
	bool force = false; ///< mint a new token even if the cached one is fresh

	static TokenOptions forced()
	{
		TokenOptions options;
		options.force = true;
		return options;
	}
};

struct RevokeOptions: CallLimits
{
	std::string token; ///< required
	std::string clientId; ///< optional: "the client the token was issued to"
};

/// A session with the Falcon OAuth2 API for one (base URL, client id, member CID): one
/// keep-alive connection and one token cache, safe to share between threads.
///
/// Calls never throw; failures come back as results carrying an `error`. The constructor
/// throws InvalidInputException for a configuration it refuses, before any network traffic.
class OAuth2Client
{
public:
	explicit OAuth2Client(const ClientConfig& config, Poco::Logger& logger = Poco::Logger::get("falcon.oauth2"));

	/// POST /oauth2/token, or the cached token while fresh (see TokenCache): this session's, or
	/// with a shared store, the one another process minted (see SharedTokens).
	ApiResult token(const TokenOptions& options = {});

	/// POST /oauth2/revoke with Basic credentials. Revoking the cached token forgets it.
	ApiResult revoke(const RevokeOptions& options);

	/// The base URL in use: the configured one, or the cloud autodiscovery switched to.
	std::string baseUrl() const { return _router.baseUrl(); }

	const Redactor& redactor() const { return _redactor; }
	const ClientConfig& config() const { return _config; }

	/// TCP connections this session opened (keep-alive reuse keeps this at one).
	unsigned connectionsOpened() const { return _transport.connectionsOpened(); }

private:
	struct Call
	{
		Deadline deadline;
		const Cancellation* cancellation;
	};

	Call callOf(const CallLimits& limits) const;
	ApiResult obtain(const Call& call, bool force);
	std::optional<ApiResult> servedFrom(const SharedEntry& entry, bool force);
	void share(const ApiResult& result, SharedEntry entry, SharedTokens::Use& store);
	ApiResult mint(const Call& call);
	ApiResult post(Route route, const WireRequest& request, const Call& call);
	ApiResult send(Route route, const WireRequest& request, const Call& call);
	WireRequest formRequest(const FormBody& form) const;
	void logExchange(Route route, const WireRequest& request, const ApiResult& result, Clock::duration took) const;
	ApiResult failure(Error error) const;

	ClientConfig _config;
	Poco::Logger& _logger;
	Redactor _redactor;
	RetryPolicy _retryPolicy;
	TokenCache _tokenCache;
	std::string _basicCredentials;
	RegionRouter _router;
	TransportSettings _transportSettings;
	SharedTransport _transport;
	std::unique_ptr<EntrySeal> _seal; ///< with a shared store: the client's entry
	std::unique_ptr<SharedTokens> _shared; ///< null: this process's memory only
};

}} // namespace Falcon::OAuth2
