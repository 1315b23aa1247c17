#pragma once

#include "falcon/oauth2/http/ApiResult.h"
#include "falcon/oauth2/region/CloudRegion.h"
#include "falcon/oauth2/store/EntrySeal.h"
#include "falcon/oauth2/core/Redactor.h"
#include "falcon/oauth2/region/RegionRouter.h"
#include "falcon/oauth2/store/SharedTokenStore.h"
#include "falcon/oauth2/TokenSource.h"

#include <Poco/Logger.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// The chain's shared layer: one API client's sealed entry in a store that other processes (and
/// machines) read too. A call reads the entry, takes its lock, reads again, and only then asks
/// the layer below, writing what it got for the others:
/// - a fresh token is served whatever else the entry says (a cooldown stops mints, not tokens);
/// - a cooldown (a 429's wait, capped at RetryPolicy::MAX_COOLDOWN) answers for the route;
/// - a forced token is the caller's own: it is never written to the entry;
/// - a revoke through any session removes the entry that holds the token (found through the
///   token's record) and leaves a record that it was revoked, which `revoked` reads.
///
/// A store that fails (missing, unsafe, full, slow) never fails the call: from its first failure
/// on, the call goes on as if there were no store, and one warning says why (the store's own
/// words, escaped; no token or secret is ever in them). An entry the store cannot use (damaged,
/// of the wrong kind) is a miss, replaced by the next write.
class SharedTokens: public TokenSource
{
public:
	struct Settings
	{
		std::string configuredBaseUrl;
		std::string clientId;
		std::string memberCid;
		std::string clientSecret;
		std::chrono::seconds renewalWindow{120};
		const RegionTable* regions = &RegionTable::falcon();
	};

	SharedTokens(std::unique_ptr<SharedTokenStore> store, const Settings& settings, TokenSource& next,
		RegionRouter& router, Redactor& redactor, Poco::Logger& logger);

	TokenResult token(const TokenCall& call) override;
	void forget(const std::string& accessToken, const CallBounds& call) override;
	bool revoked(const std::string& accessToken, const CallBounds& call) override;

	/// How long a revoked token's record stays: longer than any token lives.
	static constexpr std::chrono::seconds REVOCATION_RECORD_LIFE{3600};

private:
	class Use;

	void warnOnce(const std::string& caution);

	std::optional<TokenResult> servedFrom(const SharedEntry& entry, bool force) const;
	void share(const ApiResult& result, SharedEntry entry, bool force, Use& use);
	TokenResult resultOf(const SharedEntry& entry, std::chrono::seconds remaining) const;

	std::unique_ptr<SharedTokenStore> _store;
	EntrySeal _seal;
	const std::chrono::seconds _renewalWindow;
	const RegionTable& _regions;
	TokenSource& _next;
	RegionRouter& _router;
	Redactor& _redactor;
	Poco::Logger& _logger;
};

}
} // namespace Falcon::OAuth2
