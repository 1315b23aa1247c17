#pragma once

#include "falcon/oauth2/http/ApiResult.h"
#include "falcon/oauth2/core/Deadline.h"

#include <string>

namespace Falcon {
namespace OAuth2 {

/// A token route's result, or what stands for one, and which layer of the chain gave it: the
/// wire result stays a wire result (ApiResult), where it came from is the chain's to say.
struct TokenResult: ApiResult
{
	TokenResult() = default;
	TokenResult(ApiResult wire): ApiResult(std::move(wire)) {}

	bool fromCache = false; ///< served from a cache (this session's memory or the shared store)
	bool fromSharedStore = false; ///< ... read from the shared store (another process minted it)
};

/// One request for a token as it travels down the chain.
struct TokenCall: CallBounds
{
	bool force = false; ///< a new token from the API, not one a layer keeps
};

/// A layer of a session's token chain: this process's memory, then a shared store, then the
/// token route. Each answers from what it keeps or asks the layer below it, and never calls a
/// layer above. Never throws: failures are results.
class TokenSource
{
public:
	virtual ~TokenSource() = default;

	/// A token result, or the failure that stands for one.
	virtual TokenResult token(const TokenCall& call) = 0;

	/// After a successful revoke of `accessToken` by any session: this layer keeps it no more,
	/// and makes it known as revoked where other processes look (the shared store).
	virtual void forget(const std::string& accessToken, const CallBounds& call) = 0;

	/// Whether `accessToken`, which the layer above keeps, was revoked where this layer can see
	/// (another process's revoke, through the shared store).
	virtual bool revoked(const std::string& accessToken, const CallBounds& call) = 0;
};

}
} // namespace Falcon::OAuth2
