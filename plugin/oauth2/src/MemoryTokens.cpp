#include "falcon/oauth2/MemoryTokens.h"

#include "falcon/oauth2/RevokedTokens.h"

namespace Falcon {
namespace OAuth2 {

MemoryTokens::MemoryTokens(TokenCache& cache, TokenSource& next, bool checksBelow):
	_cache(cache), _next(next), _checksBelow(checksBelow)
{
	_seenGeneration = RevokedTokens::generation();
}

TokenResult MemoryTokens::token(const TokenCall& call)
{
	dropRevoked(call);
	return _cache.get(
		call.force, call.deadline, [&] { return _next.token(call); }, call.cancellation);
}

Poco::JSON::Object::Ptr MemoryTokens::cachedOutput(const CallBounds& call, TokenReplicas::Labels labels)
{
	dropRevoked(call);
	return _cache.cachedOutput(labels);
}

void MemoryTokens::dropRevoked(const CallBounds& call)
{
	const unsigned long generation = RevokedTokens::generation();
	unsigned long seen = _seenGeneration.load(std::memory_order_relaxed);
	if (generation != seen && _seenGeneration.compare_exchange_strong(seen, generation))
	{
		if (const auto kept = _cache.accessToken(); kept && RevokedTokens::process().contains(*kept))
			_cache.forget(*kept);
	}
	// One caller looks below; the others are served meanwhile.
	if (!_checksBelow || !_storeChecks.pass()) return;
	if (const auto kept = _cache.accessToken(); kept && _next.revoked(*kept, call)) _cache.forget(*kept);
}

void MemoryTokens::forget(const std::string& accessToken, const CallBounds& call)
{
	RevokedTokens::process().add(accessToken);
	_cache.forget(accessToken);
	_next.forget(accessToken, call);
}

bool MemoryTokens::revoked(const std::string& accessToken, const CallBounds& call)
{
	return RevokedTokens::process().contains(accessToken) || (_checksBelow && _next.revoked(accessToken, call));
}

}
} // namespace Falcon::OAuth2
