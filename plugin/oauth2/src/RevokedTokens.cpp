#include "falcon/oauth2/RevokedTokens.h"

#include "falcon/oauth2/store/EntrySeal.h"
#include "falcon/oauth2/core/ProcessLocal.h"

namespace Falcon {
namespace OAuth2 {

std::atomic<unsigned long> RevokedTokens::changes{0};

RevokedTokens& RevokedTokens::process()
{
	static ProcessLocal<RevokedTokens> revoked;
	return revoked.get();
}

std::string RevokedTokens::digestOf(const std::string& accessToken)
{
	return EntrySeal::recordNameOf(accessToken);
}

void RevokedTokens::add(const std::string& accessToken)
{
	std::string digest = digestOf(accessToken);
	const auto now = Clock::now();
	std::lock_guard<std::mutex> lock(_mutex);
	// Those kept longer than any token lives, and the oldest beyond the bound, go: in the order
	// they came, so each add costs the same however many are kept.
	while (!_oldestFirst.empty() && (now - _oldestFirst.front().at > KEPT_FOR || _oldestFirst.size() >= MAX_KEPT))
	{
		_digests.erase(_oldestFirst.front().digest);
		_oldestFirst.pop_front();
	}
	if (_digests.insert(digest).second) _oldestFirst.push_back(Revoked{std::move(digest), now});
	changes.fetch_add(1, std::memory_order_acq_rel);
}

bool RevokedTokens::contains(const std::string& accessToken) const
{
	const std::string digest = digestOf(accessToken);
	std::lock_guard<std::mutex> lock(_mutex);
	return _digests.count(digest) != 0;
}

}
} // namespace Falcon::OAuth2
