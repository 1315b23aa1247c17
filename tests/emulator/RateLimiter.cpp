#include "RateLimiter.h"

namespace Falcon {
namespace Emulator {

RateLimiter::RateLimiter(unsigned limit, std::chrono::seconds window): _limit(limit), _window(window)
{
}

void RateLimiter::setLimit(unsigned limit)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_limit = limit;
}

RateLimiter::Decision RateLimiter::admit(const std::string& source)
{
	const auto now = Clock::now();
	std::lock_guard<std::mutex> lock(_mutex);
	auto& seen = _seen[source];
	while (!seen.empty() && now - seen.front() >= _window) seen.pop_front();
	Decision decision;
	decision.limit = _limit;
	if (seen.size() >= _limit)
	{
		decision.allowed = false;
		decision.remaining = 0;
		decision.retryAt = seen.empty() ? now + _window : seen.front() + _window;
		return decision;
	}
	seen.push_back(now);
	decision.remaining = _limit - static_cast<unsigned>(seen.size());
	return decision;
}

}
} // namespace Falcon::Emulator
