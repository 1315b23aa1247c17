#include "falcon/oauth2/SharedTokens.h"

#include "falcon/oauth2/core/ProcessLocal.h"
#include "falcon/oauth2/http/RetryPolicy.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberFormatter.h>

#include <mutex>
#include <set>
#include <sstream>

namespace Falcon {
namespace OAuth2 {

namespace {

/// Store operations stop well before the call's deadline: the call still needs time to mint.
constexpr std::chrono::milliseconds RESERVE{250};

/// What a token's record says: where the token is shared, or that it was revoked.
const std::string SHARED_IN = "shared\n";
const std::string REVOKED = "revoked";

using WallClock = SharedEntry::WallClock;

std::string formatSeconds(std::chrono::duration<double> duration)
{
	return Poco::NumberFormatter::format(duration.count(), 3);
}

} // namespace

/// One call's use of the store: every operation within the call's deadline, and none after the
/// first that failed.
class SharedTokens::Use
{
public:
	Use(SharedTokens& tokens, const CallBounds& call, bool quiet = false): _tokens(tokens), _call(call), _quiet(quiet)
	{
	}

	/// The client's entry, opened; nothing when there is none, it does not open or cannot be
	/// used, or the store failed.
	std::optional<SharedEntry> readEntry()
	{
		std::optional<SharedEntry> entry;
		attempt("reading", [&] {
			try
			{
				if (const auto bytes = _tokens._store->read(_tokens._seal.name(), _call.deadline))
					entry = _tokens._seal.open(*bytes);
			}
			catch (const UnusableEntryException& e)
			{
				if (!_quiet)
					_tokens._logger.warning("token cache: " + escaped(e.message()) + "; the next token replaces it");
			}
		});
		return entry;
	}

	std::optional<std::string> read(const std::string& name)
	{
		std::optional<std::string> bytes;
		attempt("reading", [&] {
			try
			{
				bytes = _tokens._store->read(name, _call.deadline);
			}
			catch (const UnusableEntryException&)
			{
			}
		});
		return bytes;
	}

	/// The entry's lock, waited for while the call's deadline allows (a lock ends with its
	/// holder, and a living holder mints within its own deadline); null when it did not come.
	std::unique_ptr<StoreLock> lock()
	{
		std::unique_ptr<StoreLock> held;
		const CallBounds until{_call.deadline - RESERVE, _call.cancellation};
		const bool tried = attempt("locking", [&] { held = _tokens._store->lock(_tokens._seal.name(), until); });
		if (tried && !held && !Cancellation::requested(_call.cancellation))
			_tokens._logger.warning(
				"token cache: the lock of " + _tokens._store->describe() + " did not come in time; minting without it");
		return held;
	}

	void write(const std::string& name, const std::string& bytes, WallClock::time_point expiresAt)
	{
		attempt("writing", [&] { _tokens._store->write(name, bytes, expiresAt, _call.deadline); });
	}

	void remove(const std::string& name, const std::string& bytes)
	{
		attempt("removing a revoked token from", [&] { _tokens._store->remove(name, bytes, _call.deadline); });
	}

private:
	/// Runs `operation` unless the store failed already in this call; false when it fails now.
	bool attempt(const std::string& what, const std::function<void()>& operation)
	{
		if (_failed) return false;
		std::string why;
		try
		{
			operation();
			return true;
		}
		catch (const Poco::Exception& e)
		{
			why = e.displayText();
		}
		catch (const std::exception& e)
		{
			why = e.what();
		}
		_failed = true;
		if (!_quiet)
			_tokens._logger.warning(_tokens._redactor.redact("token cache: " + what + " " + _tokens._store->describe()
				+ " failed (" + escaped(why) + "); this call goes on without it"));
		return false;
	}

	/// A store's words may carry a peer's bytes (a Redis error reply): shown escaped.
	static std::string escaped(const std::string& text)
	{
		std::string out;
		for (const unsigned char c : text)
		{
			if (c >= 0x20 && c != 0x7F) out += static_cast<char>(c);
			else out += "\\x" + Poco::NumberFormatter::formatHex(c, 2);
		}
		return out;
	}

	SharedTokens& _tokens;
	const CallBounds _call;
	const bool _quiet;
	bool _failed = false;
};

SharedTokens::SharedTokens(std::unique_ptr<SharedTokenStore> store, const Settings& settings, TokenSource& next,
	RegionRouter& router, Redactor& redactor, Poco::Logger& logger):
	_store(std::move(store)),
	_seal(settings.configuredBaseUrl, settings.clientId, settings.memberCid, settings.clientSecret),
	_renewalWindow(settings.renewalWindow), _regions(*settings.regions), _next(next), _router(router),
	_redactor(redactor), _logger(logger)
{
	warnOnce(_store->caution());
}

/// Once per process for each caution: every session made on the same store would repeat it.
void SharedTokens::warnOnce(const std::string& caution)
{
	if (caution.empty()) return;
	struct Said
	{
		std::mutex mutex;
		std::set<std::string> cautions;
	};
	static ProcessLocal<Said> said;
	Said& local = said.get();
	std::lock_guard<std::mutex> lock(local.mutex);
	if (local.cautions.size() < 64 && local.cautions.insert(caution).second) _logger.warning(caution);
}

/// The token another process minted while it is fresh; else a mint under the store's lock, so
/// that the processes waiting on it take this one's token. A forced mint still honours what the
/// store teaches: the cloud to go to and a 429's wait.
TokenResult SharedTokens::token(const TokenCall& call)
{
	Use use(*this, call);
	std::optional<SharedEntry> entry = use.readEntry();
	if (entry)
	{
		if (auto served = servedFrom(*entry, call.force)) return *served;
	}
	const auto held = use.lock();
	if (Cancellation::requested(call.cancellation)) return TokenResult(ApiResult::synthetic(500, Error::cancelled()));
	// Whoever held the lock before us has most likely just minted; and what a mint shares is
	// written over the entry as it is now.
	if (held) entry = use.readEntry();
	if (entry)
	{
		if (auto served = servedFrom(*entry, call.force)) return *served;
	}
	TokenResult result = _next.token(call);
	share(result, entry.value_or(SharedEntry{}), call.force, use);
	return result;
}

/// The entry's token while fresh (unless forced), else its cooldown while it lasts; nothing
/// otherwise.
std::optional<TokenResult> SharedTokens::servedFrom(const SharedEntry& entry, bool force) const
{
	// The cloud another process found the credentials in: no 308 hop for this one.
	_router.adopt(entry.baseUrl);
	const auto now = WallClock::now();
	const auto left = entry.expiresAt - now;
	// Fresh to the fraction of a second, as in memory: compared in whole seconds, a shared token
	// would be renewed up to a second before a session's memory renews its own.
	if (!force && !entry.accessToken.empty() && left > _renewalWindow)
	{
		_redactor.addToken(entry.accessToken);
		return resultOf(entry, std::chrono::duration_cast<std::chrono::seconds>(left));
	}
	// A cooldown written by anyone (an older release, a hostile peer) holds for MAX_COOLDOWN at most.
	const auto cooldownUntil =
		std::min(entry.cooldownUntil, now + std::chrono::duration_cast<WallClock::duration>(RetryPolicy::MAX_COOLDOWN));
	if (cooldownUntil <= now) return std::nullopt;
	const double wait = std::chrono::duration<double>(cooldownUntil - now).count();
	TokenResult waiting = ApiResult::synthetic(429,
		Error{ErrorKind::RateLimited,
			"the token route asked another process to wait; retry in " + formatSeconds(cooldownUntil - now) + " s",
			true, wait, {}});
	waiting.fromSharedStore = true;
	return waiting;
}

/// What the other processes should know after a mint: the token and its cloud, or a 429's wait.
void SharedTokens::share(const ApiResult& result, SharedEntry entry, bool force, Use& use)
{
	const auto now = WallClock::now();
	entry.baseUrl = _router.baseUrl();
	if (result.ok() && result.issued)
	{
		// A forced token is its caller's own (often about to be revoked): the others keep theirs.
		if (force) return;
		entry.accessToken = result.issued->accessToken;
		entry.expiresAt = now + result.issued->expiresIn;
		entry.cooldownUntil = {};
	}
	else if (result.error && result.error->kind == ErrorKind::RateLimited && result.error->retryAfterSeconds)
	{
		const auto wait = std::chrono::duration_cast<WallClock::duration>(
			std::chrono::duration<double>(*result.error->retryAfterSeconds));
		entry.cooldownUntil = now + std::min<WallClock::duration>(wait, RetryPolicy::MAX_COOLDOWN);
	}
	else
	{
		return;
	}
	const std::string sealed = _seal.seal(entry);
	use.write(_seal.name(), sealed, std::max(entry.expiresAt, entry.cooldownUntil));
	// The token's record: a revoke through any session (another member CID's parent, another
	// base URL, another process) finds the entry that holds it.
	if (!entry.accessToken.empty())
		use.write(
			EntrySeal::recordNameOf(entry.accessToken), SHARED_IN + _seal.name() + "\n" + sealed, entry.expiresAt);
}

void SharedTokens::forget(const std::string& accessToken, const CallBounds& call)
{
	Use use(*this, call);
	const std::string recordName = EntrySeal::recordNameOf(accessToken);
	const auto record = use.read(recordName);
	if (record && record->compare(0, SHARED_IN.size(), SHARED_IN) == 0)
	{
		const auto nameEnd = record->find('\n', SHARED_IN.size());
		if (nameEnd != std::string::npos)
		{
			// Removed only while it still holds exactly what was shared with the token.
			use.remove(record->substr(SHARED_IN.size(), nameEnd - SHARED_IN.size()), record->substr(nameEnd + 1));
		}
	}
	// An entry shared before records existed, or whose record was lost.
	if (const auto bytes = use.read(_seal.name()))
	{
		const auto entry = _seal.open(*bytes);
		if (entry && entry->accessToken == accessToken) use.remove(_seal.name(), *bytes);
	}
	use.write(recordName, REVOKED, WallClock::now() + REVOCATION_RECORD_LIFE);
}

bool SharedTokens::revoked(const std::string& accessToken, const CallBounds& call)
{
	// Asked often, on behalf of a token that works: a failing store says nothing here (the next
	// call that needs the store says why), and the token goes on being served.
	Use use(*this, call, true);
	const auto record = use.read(EntrySeal::recordNameOf(accessToken));
	return record && *record == REVOKED;
}

TokenResult SharedTokens::resultOf(const SharedEntry& entry, std::chrono::seconds remaining) const
{
	Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
	body.set("access_token", entry.accessToken);
	body.set("token_type", std::string("bearer"));
	body.set("expires_in", static_cast<Poco::Int64>(remaining.count()));
	std::ostringstream text;
	body.stringify(text);
	TokenResult result;
	result.statusCode = 201;
	result.headers.emplace_back("Content-Type", "application/json");
	// The cloud the token belongs to, as the minting reply said it (engines report it).
	if (const CloudRegion* region = _regions.findByBaseUrl(entry.baseUrl))
		result.headers.emplace_back("X-Cs-Region", region->name);
	result.body = text.str();
	result.issued = IssuedToken{entry.accessToken, remaining};
	result.fromCache = true;
	result.fromSharedStore = true;
	return result;
}

}
} // namespace Falcon::OAuth2
