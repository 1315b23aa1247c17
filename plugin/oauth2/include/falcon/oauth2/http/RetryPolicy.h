#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// When and how long to wait before retrying the token route after a 429 or a 5xx.
class RetryPolicy
{
public:
	using Milliseconds = std::chrono::milliseconds;

	RetryPolicy(unsigned maxRetries, Milliseconds baseDelay, Milliseconds maxDelay);

	unsigned maxRetries() const { return _maxRetries; }

	/// The wait before retry number `attempt` (1-based): exponential backoff with jitter
	/// (between half and all of base * 2^(attempt-1), capped at the maximum), but never earlier
	/// than the server's `X-Ratelimit-Retryafter` says.
	Milliseconds delayBefore(unsigned attempt, const std::string& retryAfterHeader,
		std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

	/// How long until the instant an `X-Ratelimit-Retryafter` value names. The value is an epoch
	/// time in seconds (the Go SDK) or milliseconds (the spec; anything above 1e12); a small value
	/// (below 1e9) is taken as a number of seconds from now. Empty when the value is not a number,
	/// or names a wait longer than LONGEST_CREDIBLE_WAIT (a broken or hostile header).
	static std::optional<Milliseconds> parseRetryAfter(
		const std::string& value, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

	/// The longest wait a rate limit header is believed for.
	static constexpr Milliseconds LONGEST_CREDIBLE_WAIT{60 * 60 * 1000};
	/// The longest a 429 keeps anyone from asking again, in memory or in a shared store: a wait
	/// of its own must never lock a client out for longer.
	static constexpr Milliseconds MAX_COOLDOWN{5 * 60 * 1000};

private:
	unsigned _maxRetries;
	Milliseconds _baseDelay;
	Milliseconds _maxDelay;
};

}
} // namespace Falcon::OAuth2
