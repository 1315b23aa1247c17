#include "falcon/oauth2/OAuth2Client.h"

#include "falcon/oauth2/net/BasicCredentials.h"
#include "falcon/oauth2/SharedTokens.h"
#include "falcon/oauth2/Wire.h"

namespace Falcon {
namespace OAuth2 {

namespace {

const ClientConfig& validated(const ClientConfig& config)
{
	config.validate();
	return config;
}

/// Checks a value the caller passes per call (the configuration is checked at construction).
std::optional<Error> checkCallValue(const std::string& field, const std::string& value, bool required)
{
	std::string problem;
	if (value.empty() && required) problem = "must not be empty";
	else if (value.size() > ClientConfig::MAX_TOKEN_LENGTH)
		problem = "too long (at most " + std::to_string(ClientConfig::MAX_TOKEN_LENGTH) + " characters)";
	else if (value.find_first_of(std::string("\r\n\t\0", 4)) != std::string::npos)
		problem = "must not contain control characters";
	if (problem.empty()) return std::nullopt;
	return Error::of(ErrorKind::InvalidInput, field + ": " + problem);
}

/// Where the session starts: the configured base URL, or the configured cloud's.
Endpoint baseOf(const ClientConfig& config)
{
	return Endpoint::parse(config.effectiveBaseUrl(), config.baseUrl.empty() ? "cloud" : "base_url");
}

/// The chain's shared layer, when the configuration names a store.
std::unique_ptr<TokenSource> sharedLayer(
	const ClientConfig& config, TokenSource& next, RegionRouter& router, Redactor& redactor, Poco::Logger& logger)
{
	auto store = config.tokenCache.open(wire().redis);
	if (!store) return nullptr;
	const SharedTokens::Settings settings{config.effectiveBaseUrl(), config.clientId, config.memberCid,
		config.clientSecret, ClientConfig::clampRenewalWindow(config.renewalWindow), config.regions};
	return std::make_unique<SharedTokens>(std::move(store), settings, next, router, redactor, logger);
}

} // namespace

OAuth2Client::OAuth2Client(const ClientConfig& config, Poco::Logger& logger):
	_config(validated(config)), _basicCredentials(basicCredentials(config.clientId, config.clientSecret)),
	_router(baseOf(config), *config.regions, logger), _caller(config, _router, _redactor, logger, wire().transport),
	_tokenCache(
		ClientConfig::clampRenewalWindow(config.renewalWindow), config.loginBackoffInitial, config.loginBackoffMax),
	_minter(config, _caller, _router, _redactor, logger),
	_shared(sharedLayer(config, _minter, _router, _redactor, logger)),
	_memory(_tokenCache, _shared ? *_shared : static_cast<TokenSource&>(_minter), _shared != nullptr)
{
	_redactor.addSecret(config.clientSecret);
	_redactor.addSecret(_basicCredentials);
	_redactor.addSecret(config.tokenCache.redisPassword);
}

TokenResult OAuth2Client::token(const TokenOptions& options)
{
	TokenCall call;
	static_cast<CallBounds&>(call) = callOf(options);
	call.force = options.force;
	return _memory.token(call);
}

Poco::JSON::Object::Ptr OAuth2Client::cachedTokenOutput(const TokenOptions& options, TokenReplicas::Labels labels)
{
	if (options.force) return nullptr;
	return _memory.cachedOutput(callOf(options), labels);
}

ApiResult OAuth2Client::revoke(const RevokeOptions& options)
{
	const CallBounds call = callOf(options);
	if (Cancellation::requested(call.cancellation)) return _caller.failure(Error::cancelled());
	if (auto problem = checkCallValue("token", options.token, true)) return _caller.failure(*problem);
	if (auto problem = checkCallValue("client_id", options.clientId, false)) return _caller.failure(*problem);
	_redactor.addToken(options.token);

	FormBody form;
	form.add("token", options.token);
	if (!options.clientId.empty()) form.add("client_id", options.clientId);
	WireRequest request = _caller.formRequest(form);
	request.headers.emplace_back("Authorization", "basic " + _basicCredentials);

	ApiResult result = _caller.post(Route::Revoke, request, call);
	if (result.ok()) _memory.forget(options.token, call);
	return result;
}

CallBounds OAuth2Client::callOf(const CallLimits& limits) const
{
	return CallBounds{limits.deadline ? *limits.deadline : Clock::now() + _config.callTimeout, limits.cancellation};
}

}
} // namespace Falcon::OAuth2
