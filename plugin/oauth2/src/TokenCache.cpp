#include "falcon/oauth2/TokenCache.h"

#include "falcon/oauth2/http/IssuedToken.h"
#include "falcon/oauth2/http/RetryPolicy.h"

#include <Poco/NumberFormatter.h>

#include <algorithm>
#include <cmath>

namespace Falcon {
namespace OAuth2 {

TokenCache::TokenCache(std::chrono::seconds renewalWindow, Milliseconds backoffInitial, Milliseconds backoffMax,
	std::function<Clock::time_point()> now):
	_renewalWindow(renewalWindow),
	_backoffInitial(backoffInitial), _backoffMax(backoffMax), _now(std::move(now)), _nextBackoff(backoffInitial)
{
}

bool TokenCache::fresh(Clock::time_point now) const
{
	return _token && freshAt(_issuedAt, _expiresIn, now);
}

bool TokenCache::freshAt(Clock::time_point issuedAt, std::chrono::seconds expiresIn, Clock::time_point now) const
{
	return now - issuedAt < expiresIn - _renewalWindow;
}

std::chrono::seconds TokenCache::remainingAt(
	Clock::time_point issuedAt, std::chrono::seconds expiresIn, Clock::time_point now)
{
	return std::chrono::duration_cast<std::chrono::seconds>(expiresIn - (now - issuedAt));
}

TokenResult TokenCache::servedFailure(Clock::time_point now) const
{
	TokenResult result = *_failure;
	result.fromCache = true;
	const double wait = std::ceil(std::chrono::duration<double>(_failureUntil - now).count() * 1000) / 1000;
	result.error->retryAfterSeconds = wait;
	result.error->message += " (served from the last attempt; the token route is not asked again for "
		+ Poco::NumberFormatter::format(wait, 3) + " s)";
	return result;
}

void TokenCache::remember(const std::shared_ptr<const TokenResult>& kept, Clock::time_point now)
{
	const TokenResult& result = *kept;
	if (result.ok())
	{
		if (const auto& issued = result.issued)
		{
			_token = kept;
			tokenChanged();
			_accessToken = issued->accessToken;
			_issuedAt = now;
			_expiresIn = issued->expiresIn;
		}
		_failure.reset();
		_nextBackoff = _backoffInitial;
		return;
	}
	switch (result.error->kind)
	{
	case ErrorKind::InvalidInput:
	case ErrorKind::AuthFailed:
	case ErrorKind::Forbidden:
	case ErrorKind::RegionMismatch:
		// The same credentials will be refused again: stay quiet for a while, longer each time.
		_failure = result;
		_failureUntil = now + _nextBackoff;
		_nextBackoff = std::min(_nextBackoff * 2, _backoffMax);
		break;
	case ErrorKind::RateLimited:
		if (result.error->retryAfterSeconds && *result.error->retryAfterSeconds > 0)
		{
			_failure = result;
			const auto wait = std::chrono::duration_cast<Clock::duration>(
				std::chrono::duration<double>(*result.error->retryAfterSeconds));
			_failureUntil = now + std::min<Clock::duration>(wait, RetryPolicy::MAX_COOLDOWN);
		}
		break;
	default: break; // transient: the next caller may try at once
	}
}

TokenResult TokenCache::served(const TokenResult& kept, std::chrono::seconds remaining)
{
	TokenResult cached = kept;
	cached.fromCache = true;
	cached.fromSharedStore = false; // this process's memory served it this time
	cached.remainingLifetime = remaining;
	return cached;
}

std::optional<std::chrono::seconds> TokenCache::servableFor(
	const TokenReplicas::Entry& replica, Clock::time_point now) const
{
	if (!freshAt(replica.issuedAt, replica.expiresIn, now)) return std::nullopt;
	return remainingAt(replica.issuedAt, replica.expiresIn, now);
}

std::optional<std::pair<std::shared_ptr<const TokenResult>, std::chrono::seconds>> TokenCache::freshCopy() const
{
	auto replica = _replicas.find();
	if (!replica) return std::nullopt;
	const auto left = servableFor(*replica, _now());
	if (!left) return std::nullopt;
	return std::make_pair(std::move(replica->token), *left);
}

Poco::JSON::Object::Ptr TokenCache::cachedOutput(TokenReplicas::Labels labels) const
{
	const auto now = _now();
	return _replicas.sharedOutput(
		[&](const TokenReplicas::Entry& replica) { return servableFor(replica, now); }, labels);
}

void TokenCache::replicate(const std::shared_ptr<const TokenResult>& token, unsigned long generation)
{
	// Copied before the lock is taken; placed only if no other token came meanwhile.
	TokenReplicas::Entry entry{TokenReplicas::unshared(*token), {}, {}};
	std::lock_guard<std::mutex> lock(_mutex);
	if (generation != _tokenGeneration) return;
	entry.issuedAt = _issuedAt;
	entry.expiresIn = _expiresIn;
	_replicas.place(std::move(entry));
}

void TokenCache::tokenChanged()
{
	++_tokenGeneration;
	_replicas.clear();
}

TokenResult TokenCache::get(bool force, Clock::time_point deadline, const Mint& mint, const Cancellation* cancellation)
{
	if (!force)
	{
		if (const auto copy = freshCopy()) return served(*copy->first, copy->second);
	}
	std::unique_lock<std::mutex> lock(_mutex);
	for (;;)
	{
		const auto now = _now();
		if (!force && fresh(now))
		{
			const std::shared_ptr<const TokenResult> token = parsedToken();
			const auto remaining = remainingAt(_issuedAt, _expiresIn, now);
			const unsigned long generation = _tokenGeneration;
			// The copies are made outside the lock: callers on other threads are served meanwhile.
			lock.unlock();
			replicate(token, generation);
			return served(*token, remaining);
		}
		if (_failure && now < _failureUntil) return servedFailure(now);
		if (!_inFlight) break;

		const unsigned long flight = _flights;
		bool finished = false;
		// In slices, to see a cancellation: the flight's own condition is not the host's.
		while (!finished && Clock::now() < deadline)
		{
			if (Cancellation::requested(cancellation)) return ApiResult::synthetic(500, Error::cancelled());
			finished = _flightDone.wait_until(lock,
				cancellation ? std::min(deadline, Clock::now() + CANCELLATION_POLL) : deadline,
				[&] { return _flights != flight; });
		}
		if (!finished)
		{
			return ApiResult::synthetic(500,
				Error{ErrorKind::Timeout, "the call's deadline passed while waiting for another caller's token request",
					true, std::nullopt, {}});
		}
		if (!force)
		{
			// Share the flight we waited for, whatever its outcome.
			const std::shared_ptr<const TokenResult> flight = _lastFlight;
			lock.unlock();
			TokenResult shared = *flight;
			shared.fromCache = shared.ok();
			return shared;
		}
	}

	_inFlight = true;
	lock.unlock();
	TokenResult result;
	try
	{
		result = mint();
	}
	catch (...)
	{
		// `mint` reports failures as results; this is a last line so waiters are never stranded.
		// The exception's text is not used: it could carry anything.
		result = ApiResult::synthetic(
			500, Error{ErrorKind::Protocol, "token request failed unexpectedly", false, std::nullopt, {}});
	}
	// What is kept is a copy without the parsed reply: the caller's result stays its only
	// holder and hands it over as its output, and the first cached hit reads its own.
	auto kept = std::make_shared<TokenResult>(result);
	kept->parsed.reset();
	lock.lock();
	remember(kept, _now());
	_lastFlight = std::move(kept);
	++_flights;
	_inFlight = false;
	_flightDone.notify_all();
	return result;
}

/// The cached token with its reply read: the first hit reads it, once, for every later one.
std::shared_ptr<const TokenResult> TokenCache::parsedToken()
{
	if (!_token->parsed)
	{
		auto parsed = std::make_shared<TokenResult>(*_token);
		parsed->parse();
		_token = std::move(parsed);
	}
	return _token;
}

void TokenCache::forget(const std::string& token)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_token && _accessToken == token)
	{
		_token.reset();
		tokenChanged();
		_accessToken.clear();
	}
}

std::optional<std::string> TokenCache::accessToken() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (fresh(_now())) return _accessToken;
	return std::nullopt;
}

}
} // namespace Falcon::OAuth2
