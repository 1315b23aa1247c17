#pragma once

#include "falcon/oauth2/TokenReplicas.h"
#include "falcon/oauth2/TokenSource.h"
#include "falcon/oauth2/core/Deadline.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// A session's token state: the cached token, when it was issued, and the last refused login.
///
/// - A token is stale when `now - issued >= expires_in - renewal window`.
/// - Single flight: when the token is stale, exactly one caller mints; callers arriving
///   meanwhile wait for that flight and share its result (success or failure).
/// - A refused login (400/401/403, region error) is remembered and served to callers for a
///   backoff period that doubles on each further refusal, so bad credentials never hammer the
///   token route. A 429 is remembered until its retry-after time.
class TokenCache
{
public:
	using Clock = std::chrono::steady_clock;
	using Milliseconds = std::chrono::milliseconds;
	using Mint = std::function<TokenResult()>;

	TokenCache(std::chrono::seconds renewalWindow, Milliseconds backoffInitial, Milliseconds backoffMax,
		std::function<Clock::time_point()> now = &Clock::now);

	/// The cached token's result (marked `fromCache`) while it is fresh; otherwise the result of
	/// `mint`, called by one caller at a time. `force` skips the cached token but not the login
	/// backoff. Waiting for another caller's flight ends at `deadline` with a timeout error, or
	/// sooner when `cancellation` is requested.
	TokenResult get(
		bool force, Clock::time_point deadline, const Mint& mint, const Cancellation* cancellation = nullptr);

	/// A cached hit's output (`toJSON` of what get() would return, then `labels`), made from
	/// this CPU's copy of the fresh token, which the first hit on the CPU places; null when there
	/// is none (then get()). Every hit on the CPU while the lifetime left reads the same gets
	/// the same object (TokenReplicas::sharedOutput): it must not be changed.
	Poco::JSON::Object::Ptr cachedOutput(TokenReplicas::Labels labels = nullptr) const;

	/// Forgets the cached token if it is `token` (after a successful revoke).
	void forget(const std::string& token);

	/// The cached token while fresh.
	std::optional<std::string> accessToken() const;

	std::chrono::seconds renewalWindow() const { return _renewalWindow; }

	/// How often a caller waiting for another's flight looks at its cancellation.
	static constexpr Milliseconds CANCELLATION_POLL{50};

private:
	bool fresh(Clock::time_point now) const;
	/// The one rule for the kept token and each CPU's copy: served until the renewal window.
	bool freshAt(Clock::time_point issuedAt, std::chrono::seconds expiresIn, Clock::time_point now) const;
	static std::chrono::seconds remainingAt(
		Clock::time_point issuedAt, std::chrono::seconds expiresIn, Clock::time_point now);
	void remember(const std::shared_ptr<const TokenResult>& result, Clock::time_point now);
	std::shared_ptr<const TokenResult> parsedToken();
	/// What is left of a CPU's copy's life while get() would serve it; nothing once it is not fresh.
	std::optional<std::chrono::seconds> servableFor(const TokenReplicas::Entry& replica, Clock::time_point now) const;
	/// This CPU's copy of the token while it is fresh, with what is left of its life.
	std::optional<std::pair<std::shared_ptr<const TokenResult>, std::chrono::seconds>> freshCopy() const;
	/// Gives this CPU a copy of `token` unless the token changed since it was read.
	void replicate(const std::shared_ptr<const TokenResult>& token, unsigned long generation);
	static TokenResult served(const TokenResult& kept, std::chrono::seconds remaining);
	/// The kept token changed (a new one, or none): every CPU's copy goes.
	void tokenChanged();
	TokenResult servedFailure(Clock::time_point now) const;

	const std::chrono::seconds _renewalWindow;
	const Milliseconds _backoffInitial;
	const Milliseconds _backoffMax;
	const std::function<Clock::time_point()> _now;

	mutable std::mutex _mutex;
	std::condition_variable _flightDone;
	bool _inFlight = false;
	unsigned long _flights = 0;
	/// Results are kept behind pointers: a caller copies one after the lock is released.
	std::shared_ptr<const TokenResult> _lastFlight;

	std::shared_ptr<const TokenResult> _token;
	std::string _accessToken;
	unsigned long _tokenGeneration = 0; ///< counts changes of _token
	TokenReplicas _replicas;
	Clock::time_point _issuedAt;
	std::chrono::seconds _expiresIn{0};

	std::optional<TokenResult> _failure;
	Clock::time_point _failureUntil;
	Milliseconds _nextBackoff;
};

}
} // namespace Falcon::OAuth2
