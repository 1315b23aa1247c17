#include "falcon/oauth2/OAuth2Client.h"

#include "falcon/oauth2/BasicCredentials.h"
#include "falcon/oauth2/FileTokenStore.h"
#include "falcon/oauth2/IssuedToken.h"
#include "falcon/oauth2/RedisTokenStore.h"
#include "falcon/oauth2/ReplyClassifier.h"
#include "falcon/oauth2/Version.h"

#include <Poco/NumberFormatter.h>

namespace Falcon {
namespace OAuth2 {

namespace {

const ClientConfig& validated(const ClientConfig& config)
{
	config.validate();
	return config;
}

bool retryableKind(ErrorKind kind)
{
	return kind == ErrorKind::Network || kind == ErrorKind::Timeout || kind == ErrorKind::RateLimited || kind == ErrorKind::ServerError;
}

std::string formatSeconds(std::chrono::duration<double> duration)
{
	return Poco::NumberFormatter::format(duration.count(), 3);
}

Error error(ErrorKind kind, const std::string& message)
{
	return Error{kind, message, retryableKind(kind), std::nullopt, {}};
}

const Error CANCELLED = error(ErrorKind::Cancelled, "the call was cancelled");

/// Checks a value the caller passes per call (the configuration is checked at construction).
std::optional<Error> checkCallValue(const std::string& field, const std::string& value, bool required)
{
	std::string problem;
	if (value.empty() && required) problem = "must not be empty";
	else if (value.size() > ClientConfig::MAX_TOKEN_LENGTH) problem = "too long (at most " + std::to_string(ClientConfig::MAX_TOKEN_LENGTH) + " characters)";
	else if (value.find_first_of(std::string("\r\n\t\0", 4)) != std::string::npos) problem = "must not contain control characters";
	if (problem.empty()) return std::nullopt;
	return error(ErrorKind::InvalidInput, field + ": " + problem);
}

ApiResult received(WireReply reply)
{
	ApiResult result;
	result.statusCode = reply.status;
	result.headers = std::move(reply.headers);
	result.body = std::move(reply.body);
	return result;
}

std::unique_ptr<SharedTokenStore> sharedStoreOf(const TokenCacheSettings& settings)
{
	switch (settings.store)
	{
	case TokenCacheSettings::Store::Memory: return nullptr;
	case TokenCacheSettings::Store::File: return std::make_unique<FileTokenStore>(settings.directory);
	case TokenCacheSettings::Store::Redis:
		return std::make_unique<RedisTokenStore>(RedisTokenStore::Settings{
			RedisAddress::parse(settings.redisUrl, "token_cache"), settings.redisPassword, settings.keyPrefix, settings.lockTtl, settings.storeTimeout});
	}
	return nullptr;
}

} // namespace

OAuth2Client::OAuth2Client(const ClientConfig& config, Poco::Logger& logger):
	_config(validated(config)),
	_logger(logger),
	_retryPolicy(config.maxRetries, config.retryBaseDelay, config.retryMaxDelay),
	_tokenCache(ClientConfig::clampRenewalWindow(config.renewalWindow), config.loginBackoffInitial, config.loginBackoffMax),
	_basicCredentials(basicCredentials(config.clientId, config.clientSecret)),
	_router(config, logger),
	_transportSettings(TransportSettings::from(config)),
	_transport(_transportSettings, logger, _redactor)
{
	_redactor.addSecret(config.clientSecret);
	_redactor.addSecret(_basicCredentials);
	_redactor.addSecret(_transportSettings.proxy.password);
	_redactor.addSecret(config.tokenCache.redisPassword);
	if (auto store = sharedStoreOf(config.tokenCache))
	{
		_seal = std::make_unique<EntrySeal>(config.effectiveBaseUrl(), config.clientId, config.memberCid, config.clientSecret);
		_shared = std::make_unique<SharedTokens>(std::move(store), *_seal, config.tokenCache.lockWaitLimit(), logger, _redactor);
	}
}

ApiResult OAuth2Client::token(const TokenOptions& options)
{
	const Call call = callOf(options);
	return _tokenCache.get(options.force, call.deadline, [&] { return obtain(call, options.force); });
}

ApiResult OAuth2Client::revoke(const RevokeOptions& options)
{
	const Call call = callOf(options);
	if (Cancellation::requested(call.cancellation)) return failure(CANCELLED);
	if (auto problem = checkCallValue("token", options.token, true)) return failure(*problem);
	if (auto problem = checkCallValue("client_id", options.clientId, false)) return failure(*problem);
	_redactor.addToken(options.token);

	FormBody form;
	form.add("token", options.token);
	if (!options.clientId.empty()) form.add("client_id", options.clientId);
	WireRequest request = formRequest(form);
	request.headers.emplace_back("Authorization", "basic " + _basicCredentials);

	ApiResult result = post(Route::Revoke, request, call);
	if (result.ok())
	{
		_tokenCache.forget(options.token);
		if (_shared)
		{
			SharedTokens::Use store(*_shared, call.deadline);
			const auto held = store.lock();
			store.forget(options.token);
		}
	}
	return result;
}

OAuth2Client::Call OAuth2Client::callOf(const CallLimits& limits) const
{
	return Call{limits.deadline ? *limits.deadline : Clock::now() + _config.callTimeout, limits.cancellation};
}

/// With a shared store: the token another process minted while it is fresh; else a mint under
/// the store's lock, so that the processes waiting on it take this one's token. A forced mint
/// still honours what the store teaches: the cloud to go to and a 429's wait.
ApiResult OAuth2Client::obtain(const Call& call, bool force)
{
	if (!_shared) return mint(call);
	SharedTokens::Use store(*_shared, call.deadline);
	std::optional<SharedEntry> entry = store.read();
	if (entry)
	{
		if (auto served = servedFrom(*entry, force)) return *served;
	}
	const auto held = store.lock();
	// Whoever held the lock before us has most likely just minted; and what a mint shares is
	// written over the entry as it is now.
	if (held) entry = store.read();
	if (entry)
	{
		if (auto served = servedFrom(*entry, force)) return *served;
	}
	ApiResult result = mint(call);
	share(result, entry.value_or(SharedEntry{}), store);
	return result;
}

/// The entry's cooldown while it lasts, or (unless forced) its token while fresh; nothing
/// otherwise.
std::optional<ApiResult> OAuth2Client::servedFrom(const SharedEntry& entry, bool force)
{
	// The cloud another process found the credentials in: no 308 hop for this one.
	_router.adopt(entry.baseUrl);
	const auto now = SharedEntry::WallClock::now();
	if (entry.cooldownUntil > now)
	{
		const double wait = std::chrono::duration<double>(entry.cooldownUntil - now).count();
		ApiResult waiting = ApiResult::synthetic(429, Error{ErrorKind::RateLimited, "the token route asked another process to wait; retry in " + formatSeconds(entry.cooldownUntil - now) + " s", true, wait, {}});
		waiting.fromSharedStore = true;
		return waiting;
	}
	const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(entry.expiresAt - now);
	if (force || entry.accessToken.empty() || remaining <= _tokenCache.renewalWindow()) return std::nullopt;
	_redactor.addToken(entry.accessToken);
	ApiResult served = SharedTokens::resultOf(entry, remaining);
	// The cloud the token belongs to, as the minting reply said it (engines report it).
	if (const CloudRegion* region = _config.regions->findByBaseUrl(entry.baseUrl)) served.headers.emplace_back("X-Cs-Region", region->name);
	return served;
}

/// What the other processes should know after a mint: the token and its cloud, or a 429's wait.
void OAuth2Client::share(const ApiResult& result, SharedEntry entry, SharedTokens::Use& store)
{
	const auto now = SharedEntry::WallClock::now();
	entry.baseUrl = _router.baseUrl();
	if (result.ok() && result.issued)
	{
		entry.accessToken = result.issued->accessToken;
		entry.expiresAt = now + result.issued->expiresIn;
		entry.cooldownUntil = {};
	}
	else if (result.error && result.error->kind == ErrorKind::RateLimited && result.error->retryAfterSeconds)
	{
		entry.cooldownUntil = now + std::chrono::duration_cast<SharedEntry::WallClock::duration>(std::chrono::duration<double>(*result.error->retryAfterSeconds));
	}
	else
	{
		return;
	}
	store.write(entry);
}

/// The token route, retried on 429 and 5xx while the wait fits before the deadline.
ApiResult OAuth2Client::mint(const Call& call)
{
	FormBody form;
	form.add("client_id", _config.clientId).add("client_secret", _config.clientSecret);
	if (!_config.memberCid.empty()) form.add("member_cid", _config.memberCid);
	const WireRequest request = formRequest(form);

	for (unsigned attempt = 1;; ++attempt)
	{
		if (Cancellation::requested(call.cancellation)) return failure(CANCELLED);
		ApiResult result = post(Route::Token, request, call);
		if (result.ok())
		{
			_router.discover(result.header("X-Cs-Region"));
			return result;
		}
		const ErrorKind kind = result.error->kind;
		if ((kind != ErrorKind::RateLimited && kind != ErrorKind::ServerError) || attempt > _retryPolicy.maxRetries()) return result;
		const auto delay = _retryPolicy.delayBefore(attempt, result.header("X-Ratelimit-Retryafter"));
		if (Clock::now() + delay >= call.deadline)
		{
			_logger.information("not retrying " + pathOf(Route::Token) + ": the wait of " + formatSeconds(delay) + " s would pass the call's deadline");
			return result;
		}
		_logger.warning(_redactor.redact(result.error->message) + "; retry " + std::to_string(attempt) + " of "
			+ std::to_string(_retryPolicy.maxRetries()) + " in " + formatSeconds(delay) + " s");
		if (!Cancellation::sleepFor(call.cancellation, delay)) return failure(CANCELLED);
	}
}

/// One call on the wire, its reply read the way the route's contract says, and logged.
ApiResult OAuth2Client::post(Route route, const WireRequest& request, const Call& call)
{
	const auto started = Clock::now();
	ApiResult result = send(route, request, call);
	if (!result.error)
	{
		// The body of a token route success is read once, here; everything after uses `issued`.
		if (route == Route::Token && result.statusCode >= 200 && result.statusCode < 300) result.issued = IssuedToken::fromBody(result.body);
		if (auto refusal = ReplyClassifier::classify(route, result))
		{
			refusal->message = _redactor.redact(refusal->message);
			// FalconPy's shape for a region mismatch: a synthetic 403 instead of the empty 2xx.
			if (refusal->kind == ErrorKind::RegionMismatch) result = ApiResult::synthetic(403, *refusal);
			else result.error = std::move(refusal);
		}
	}
	// Any token in the reply is a secret from here on, before a single line is logged.
	if (result.issued) _redactor.addToken(result.issued->accessToken);
	logExchange(route, request, result, Clock::now() - started);
	return result;
}

/// Sends on the session's connection, following the redirects the router accepts.
ApiResult OAuth2Client::send(Route route, const WireRequest& request, const Call& call)
{
	const SharedTransport::Turn transport = _transport.take(call.deadline);
	if (!transport) return failure(error(ErrorKind::Timeout, "the call's deadline passed while waiting for the session's connection"));
	Endpoint target = _router.target(route);
	for (unsigned hops = 0;; ++hops)
	{
		ApiResult result;
		try
		{
			result = received(transport->post(target, request, call.deadline, call.cancellation));
		}
		catch (const TransportError& e)
		{
			Error failed = error(e.kind(), e.message());
			failed.retryable = failed.retryable && !e.permanent();
			return failure(failed);
		}
		if (result.statusCode != 308) return result;
		Endpoint next;
		if (auto refusal = _router.follow(route, target, result.header("Location"), hops, next))
		{
			refusal->traceId = ReplyClassifier::traceId(result);
			refusal->message = _redactor.redact(refusal->message);
			result.error = std::move(refusal);
			return result;
		}
		const std::string region = result.header("X-Cs-Region");
		_logger.information("following 308 from " + target.str() + " to " + next.str() + (region.empty() ? "" : " (X-Cs-Region: " + region + ")"));
		target = next;
	}
}

ApiResult OAuth2Client::failure(Error failed) const
{
	failed.message = _redactor.redact(failed.message);
	const bool refused = failed.kind == ErrorKind::InvalidInput; // only ever found before sending
	ApiResult result = ApiResult::synthetic(refused ? 400 : 500, std::move(failed));
	result.refused = refused;
	return result;
}

WireRequest OAuth2Client::formRequest(const FormBody& form) const
{
	WireRequest request;
	const std::string product = FALCON_OAUTH2_PRODUCT;
	request.headers.emplace_back("User-Agent", _config.userAgent.empty() ? product : _config.userAgent + " " + product);
	request.headers.emplace_back("CrowdStrike-SDK", product);
	request.headers.emplace_back("Accept", "application/json");
	request.body = form.str();
	return request;
}

void OAuth2Client::logExchange(Route route, const WireRequest& request, const ApiResult& result, Clock::duration took) const
{
	// One line per call at debug level: at information a busy host would log every call.
	if (!_logger.debug()) return;
	const std::string outcome = result.ok() ? "ok" : std::string(toString(result.error->kind));
	_logger.debug(_redactor.redact("POST " + pathOf(route) + " -> " + std::to_string(result.statusCode) + " " + outcome + " in "
		+ formatSeconds(took) + " s" + (result.error ? ": " + result.error->message : "")));
	std::string detail = "request headers:";
	for (const auto& header : request.headers) detail += "\n  " + header.first + ": " + header.second;
	detail += "\nrequest body: " + request.body + "\nresponse headers:";
	for (const auto& header : result.headers) detail += "\n  " + header.first + ": " + header.second;
	detail += "\nresponse body: " + result.body;
	_logger.debug(_redactor.redact(detail));
}

}} // namespace Falcon::OAuth2
