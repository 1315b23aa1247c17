#include "falcon/oauth2/SharedTokens.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace Falcon {
namespace OAuth2 {

namespace {

/// Store operations stop well before the call's deadline: the call still needs time to mint.
constexpr std::chrono::milliseconds RESERVE{250};

} // namespace

SharedTokens::SharedTokens(std::unique_ptr<SharedTokenStore> store, const EntrySeal& seal, std::chrono::milliseconds lockWait, Poco::Logger& logger,
	const Redactor& redactor):
	_store(std::move(store)),
	_seal(seal),
	_lockWait(lockWait),
	_logger(logger),
	_redactor(redactor)
{
}

bool SharedTokens::Use::attempt(const std::string& what, const std::function<void()>& operation)
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
	_tokens._logger.warning(_tokens._redactor.redact("token cache: " + what + " " + _tokens._store->describe() + " failed (" + why + "); this call goes on without it"));
	return false;
}

std::optional<SharedEntry> SharedTokens::Use::read()
{
	std::optional<SharedEntry> entry;
	attempt("reading", [&] {
		const auto bytes = _tokens._store->read(_tokens._seal.name(), _deadline);
		if (bytes) entry = _tokens._seal.open(*bytes);
	});
	return entry;
}

std::unique_ptr<StoreLock> SharedTokens::Use::lock()
{
	const Deadline until = std::min(Clock::now() + _tokens._lockWait, _deadline - RESERVE);
	std::unique_ptr<StoreLock> held;
	const bool tried = attempt("locking", [&] { held = _tokens._store->lock(_tokens._seal.name(), until); });
	if (tried && !held) _tokens._logger.warning("token cache: the lock of " + _tokens._store->describe() + " did not come in time; minting without it");
	return held;
}

void SharedTokens::Use::write(const SharedEntry& entry)
{
	attempt("writing", [&] {
		_tokens._store->write(_tokens._seal.name(), _tokens._seal.seal(entry), std::max(entry.expiresAt, entry.cooldownUntil), _deadline);
	});
}

void SharedTokens::Use::forget(const std::string& accessToken)
{
	attempt("removing a revoked token from", [&] {
		const auto bytes = _tokens._store->read(_tokens._seal.name(), _deadline);
		const auto entry = bytes ? _tokens._seal.open(*bytes) : std::nullopt;
		if (entry && entry->accessToken == accessToken) _tokens._store->remove(_tokens._seal.name(), *bytes, _deadline);
	});
}

ApiResult SharedTokens::resultOf(const SharedEntry& entry, std::chrono::seconds remaining)
{
	Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
	body.set("access_token", entry.accessToken);
	body.set("token_type", std::string("bearer"));
	body.set("expires_in", static_cast<Poco::Int64>(remaining.count()));
	std::ostringstream text;
	body.stringify(text);
	ApiResult result;
	result.statusCode = 201;
	result.headers.emplace_back("Content-Type", "application/json");
	result.body = text.str();
	result.issued = IssuedToken{entry.accessToken, remaining};
	result.fromCache = true;
	result.fromSharedStore = true;
	return result;
}

}} // namespace Falcon::OAuth2
