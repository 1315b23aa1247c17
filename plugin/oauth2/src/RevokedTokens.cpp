#include "falcon/oauth2/RevokedTokens.h"

#include "falcon/oauth2/store/EntrySeal.h"
#include "falcon/oauth2/core/ProcessLocal.h"

namespace Falcon {
namespace OAuth2 {

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
	const std::string digest = digestOf(accessToken);
	const auto now = Clock::now();
	std::lock_guard<std::mutex> lock(_mutex);
	if (_revoked.size() >= MAX_KEPT)
	{
		for (auto it = _revoked.begin(); it != _revoked.end();)
			it = now - it->second > KEPT_FOR ? _revoked.erase(it) : std::next(it);
		// Still full: the oldest goes (a token revoked an hour ago has expired anyway).
		if (_revoked.size() >= MAX_KEPT)
		{
			auto oldest = _revoked.begin();
			for (auto it = _revoked.begin(); it != _revoked.end(); ++it)
				if (it->second < oldest->second) oldest = it;
			_revoked.erase(oldest);
		}
	}
	_revoked[digest] = now;
	_generation.fetch_add(1, std::memory_order_acq_rel);
}

bool RevokedTokens::contains(const std::string& accessToken) const
{
	const std::string digest = digestOf(accessToken);
	std::lock_guard<std::mutex> lock(_mutex);
	return _revoked.count(digest) != 0;
}

}} // namespace Falcon::OAuth2
