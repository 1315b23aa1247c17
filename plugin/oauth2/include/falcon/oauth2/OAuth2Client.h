#pragma once

#include "falcon/oauth2/http/ApiResult.h"
#include "falcon/oauth2/ClientConfig.h"
#include "falcon/oauth2/core/Deadline.h"
#include "falcon/oauth2/MemoryTokens.h"
#include "falcon/oauth2/Minter.h"
#include "falcon/oauth2/core/Redactor.h"
#include "falcon/oauth2/region/RegionRouter.h"
#include "falcon/oauth2/RouteCaller.h"
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
	const Cancellation* cancellation =
		nullptr; ///< once requested, no further attempt starts and the exchange in flight ends
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
/// keep-alive connection and one token chain (memory, then the shared store when one is
/// configured, then the token route), safe to share between threads. The client never knows
/// which store the chain has.
///
/// Calls never throw; failures come back as results carrying an `error`. The constructor
/// throws InvalidInputException for a configuration it refuses, before any network traffic.
class OAuth2Client
{
public:
	explicit OAuth2Client(const ClientConfig& config, Poco::Logger& logger = Poco::Logger::get("falcon.oauth2"));

	/// POST /oauth2/token, or a kept token while fresh: this session's memory (TokenCache), or
	/// with a shared store, the one another process minted (SharedTokens). A forced token is
	/// the caller's own: it replaces this session's memory, never the shared entry.
	TokenResult token(const TokenOptions& options = {});
	/// For a caller that wants a token only as its output (`toJSON`): the output of an unforced
	/// token() that this session's memory serves, with `labels` added; null when the memory
	/// cannot serve it at once (then token()). The object is shared with the hits that follow
	/// (TokenCache::cachedOutput): read it, or copy it to change it.
	Poco::JSON::Object::Ptr cachedTokenOutput(const TokenOptions& options = {}, TokenReplicas::Labels labels = nullptr);

	/// POST /oauth2/revoke with Basic credentials. A revoked token is forgotten wherever this
	/// process or the shared store keeps it, whichever session minted it.
	ApiResult revoke(const RevokeOptions& options);

	/// The base URL in use: the configured one, or the cloud autodiscovery switched to.
	std::string baseUrl() const { return _router.baseUrl(); }

	const Redactor& redactor() const { return _redactor; }
	const ClientConfig& config() const { return _config; }

	/// TCP connections this session opened (keep-alive reuse keeps this at one).
	unsigned connectionsOpened() const { return _caller.connectionsOpened(); }

private:
	CallBounds callOf(const CallLimits& limits) const;

	ClientConfig _config;
	Redactor _redactor;
	std::string _basicCredentials;
	RegionRouter _router;
	RouteCaller _caller;
	TokenCache _tokenCache;
	Minter _minter;
	std::unique_ptr<TokenSource> _shared; ///< null: this process's memory only
	MemoryTokens _memory; ///< the chain's top
};

}
} // namespace Falcon::OAuth2
