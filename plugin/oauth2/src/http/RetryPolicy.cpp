#include "falcon/oauth2/http/RetryPolicy.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <algorithm>
#include <random>

namespace Falcon {
namespace OAuth2 {

RetryPolicy::RetryPolicy(unsigned maxRetries, Milliseconds baseDelay, Milliseconds maxDelay):
	_maxRetries(maxRetries), _baseDelay(baseDelay), _maxDelay(maxDelay)
{
}

std::optional<RetryPolicy::Milliseconds> RetryPolicy::parseRetryAfter(
	const std::string& value, std::chrono::system_clock::time_point now)
{
	double number = 0;
	if (!Poco::NumberParser::tryParseFloat(Poco::trim(value), number) || !(number >= 0) || number > 1e15)
		return std::nullopt;
	using namespace std::chrono;
	const double nowMs = static_cast<double>(duration_cast<milliseconds>(now.time_since_epoch()).count());
	double waitMs;
	if (number > 1e12) waitMs = number - nowMs; // epoch milliseconds (the spec)
	else if (number >= 1e9) waitMs = number * 1000 - nowMs; // epoch seconds (what the Go SDK reads)
	else waitMs = number * 1000; // a plain number of seconds
	if (waitMs > static_cast<double>(LONGEST_CREDIBLE_WAIT.count())) return std::nullopt;
	return Milliseconds(static_cast<Milliseconds::rep>(std::max(0.0, waitMs)));
}

RetryPolicy::Milliseconds RetryPolicy::delayBefore(
	unsigned attempt, const std::string& retryAfterHeader, std::chrono::system_clock::time_point now) const
{
	thread_local std::mt19937_64 random{std::random_device{}()};
	const unsigned shift = std::min(attempt > 0 ? attempt - 1 : 0u, 20u);
	const Milliseconds ceiling = std::min(_maxDelay, Milliseconds(_baseDelay.count() << shift));
	// "Equal jitter": at least half the exponential step, so the waits still grow.
	std::uniform_int_distribution<Milliseconds::rep> jitter(ceiling.count() / 2, ceiling.count());
	Milliseconds delay(jitter(random));
	if (auto serverWait = parseRetryAfter(retryAfterHeader, now)) delay = std::max(delay, *serverWait);
	return delay;
}

}
} // namespace Falcon::OAuth2
