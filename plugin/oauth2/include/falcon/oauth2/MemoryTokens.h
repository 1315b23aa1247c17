#pragma once

#include "falcon/oauth2/TokenCache.h"
#include "falcon/oauth2/core/Throttle.h"
#include "falcon/oauth2/TokenSource.h"

#include <atomic>
#include <chrono>

namespace Falcon {
namespace OAuth2 {

/// The chain's top layer: this session's memory (TokenCache: single flight, renewal window,
/// login backoff) in front of the layer below. Memory is a cache *of* that layer: a token
/// revoked through any session of this process is dropped at once, and one revoked by another
/// process (seen through the shared store) within STORE_CHECK_INTERVAL.
class MemoryTokens: public TokenSource
{
public:
	/// `checksBelow`: whether the layer below can tell of revokes elsewhere (a shared store).
	MemoryTokens(TokenCache& cache, TokenSource& next, bool checksBelow);

	TokenResult token(const TokenCall& call) override;
	/// After the same checks for revokes as token(): TokenCache::cachedOutput.
	Poco::JSON::Object::Ptr cachedOutput(const CallBounds& call, TokenReplicas::Labels labels);
	void forget(const std::string& accessToken, const CallBounds& call) override;
	bool revoked(const std::string& accessToken, const CallBounds& call) override;

	/// How stale this process's view of a revoke elsewhere may be: a served token's record in
	/// the shared store is looked at once per interval, by one caller, while the others are served.
	static constexpr std::chrono::milliseconds STORE_CHECK_INTERVAL{1000};

private:
	/// Drops the kept token if it was revoked since this session last looked.
	void dropRevoked(const CallBounds& call);

	TokenCache& _cache;
	TokenSource& _next;
	const bool _checksBelow;
	std::atomic<unsigned long> _seenGeneration{0};
	Throttle _storeChecks{STORE_CHECK_INTERVAL};
};

}
} // namespace Falcon::OAuth2
