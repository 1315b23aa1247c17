#include "falcon/oauth2/OAuth2Client.h"

#include "falcon/oauth2/BasicCredentials.h"
#include "falcon/oauth2/IssuedToken.h"
#include "falcon/oauth2/ReplyClassifier.h"
#include "falcon/oauth2/Version.h"

#include <Poco/NumberFormatter.h>

#include <sstream>
#include <thread>

namespace Falcon {
namespace OAuth2 {

namespace {

constexpr unsigned MAX_REDIRECTS = 3;
const std::string TOKEN_ROUTE = "/oauth2/token";
const std::string REVOKE_ROUTE = "/oauth2/revoke";

using Clock = std::chrono::steady_clock;

const ClientConfig& validated(const ClientConfig& config)
{
	config.validate();
	return config;
}

TransportSettings transportSettings(const ClientConfig& config)
{
	TransportSettings settings;
	settings.caBundle = config.caBundle;
	settings.verifyTls = config.verifyTls;
	settings.proxy = ProxySettings::parse(config.proxy, "proxy");
	settings.proxyFromEnvironment = config.proxyFromEnvironment;
	settings.connectTimeout = config.connectTimeout;
	settings.readTimeout = config.readTimeout;
	settings.maxResponseBytes = config.maxResponseBytes;
	return settings;
}

bool retryableKind(ErrorKind kind)
{
	return kind == ErrorKind::Network || kind == ErrorKind::Timeout || kind == ErrorKind::RateLimited || kind == ErrorKind::ServerError;
}

std::string formatSeconds(std::chrono::milliseconds duration)
{
	return Poco::NumberFormatter::format(static_cast<double>(duration.count()) / 1000.0, 3);
}

/// Checks a value the caller passes per call (the configuration is checked at construction).
std::optional<Error> checkCallValue(const std::string& field, const std::string& value, bool required)
{
	std::string problem;
	if (value.empty() && required) problem = "must not be empty";
	else if (value.size() > ClientConfig::MAX_TOKEN_LENGTH) problem = "too long (at most " + std::to_string(ClientConfig::MAX_TOKEN_LENGTH) + " characters)";
	else if (value.find_first_of(std::string("\r\n\t\0", 4)) != std::string::npos) problem = "must not contain control characters";
	if (problem.empty()) return std::nullopt;
	return Error{ErrorKind::InvalidInput, field + ": " + problem, false, std::nullopt, {}};
}

} // namespace

OAuth2Client::OAuth2Client(const ClientConfig& config, Poco::Logger& logger):
	_config(validated(config)),
	_logger(logger),
	_retryPolicy(config.maxRetries, config.retryBaseDelay, config.retryMaxDelay),
	_tokenCache(ClientConfig::clampRenewalWindow(config.renewalWindow), config.loginBackoffInitial, config.loginBackoffMax),
	_basicCredentials(basicCredentials(config.clientId, config.clientSecret)),
	_base(Endpoint::parse(config.effectiveBaseUrl(), config.baseUrl.empty() ? "cloud" : "base_url")),
	_transport(transportSettings(config), logger, _redactor)
{
	_baseIsCanonical = _config.regions->findByBaseUrl(_base.str()) != nullptr;
	_redactor.addSecret(config.clientSecret);
	_redactor.addSecret(_basicCredentials);
	_redactor.addSecret(ProxySettings::parse(config.proxy, "proxy").password);
}

std::string OAuth2Client::baseUrl() const
{
	std::lock_guard<std::mutex> lock(_baseMutex);
	return _base.str();
}

unsigned OAuth2Client::connectionsOpened() const
{
	return _transport.connectionsOpened();
}

bool OAuth2Client::waitForTransport(Deadline deadline)
{
	std::unique_lock<std::mutex> lock(_turnMutex);
	if (!_turnFree.wait_until(lock, deadline, [this] { return !_transportBusy; })) return false;
	_transportBusy = true;
	return true;
}

void OAuth2Client::releaseTransport()
{
	{
		std::lock_guard<std::mutex> lock(_turnMutex);
		_transportBusy = false;
	}
	_turnFree.notify_one();
}

Deadline OAuth2Client::deadlineOf(const std::optional<Deadline>& deadline) const
{
	return deadline ? *deadline : Clock::now() + _config.callTimeout;
}

ApiResult OAuth2Client::failure(Error error) const
{
	error.message = _redactor.redact(error.message);
	return ApiResult::synthetic(error.kind == ErrorKind::InvalidInput ? 400 : 500, std::move(error));
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

ApiResult OAuth2Client::token(const TokenOptions& options)
{
	const Deadline deadline = deadlineOf(options.deadline);
	return _tokenCache.get(options.force, deadline, [&] { return mint(deadline, options.cancelled); });
}

bool OAuth2Client::waitUnlessCancelled(std::chrono::milliseconds delay, const std::atomic<bool>* cancelled)
{
	const auto until = Clock::now() + delay;
	while (Clock::now() < until)
	{
		if (cancelled && cancelled->load()) return false;
		std::this_thread::sleep_for(std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(50)));
	}
	return !(cancelled && cancelled->load());
}

ApiResult OAuth2Client::mint(Deadline deadline, const std::atomic<bool>* cancelled)
{
	FormBody form;
	form.add("client_id", _config.clientId).add("client_secret", _config.clientSecret);
	if (!_config.memberCid.empty()) form.add("member_cid", _config.memberCid);
	const WireRequest request = formRequest(form);

	for (unsigned attempt = 1;; ++attempt)
	{
		if (cancelled && cancelled->load()) return failure(Error{ErrorKind::Timeout, "the call was cancelled", true, std::nullopt, {}});
		ApiResult result = post(TOKEN_ROUTE, request, deadline, cancelled);
		if (result.ok())
		{
			discoverRegion(result);
			return result;
		}
		const ErrorKind kind = result.error->kind;
		if ((kind != ErrorKind::RateLimited && kind != ErrorKind::ServerError) || attempt > _retryPolicy.maxRetries()) return result;
		const auto delay = _retryPolicy.delayBefore(attempt, result.header("X-Ratelimit-Retryafter"));
		if (Clock::now() + delay >= deadline)
		{
			_logger.information("not retrying " + TOKEN_ROUTE + ": the wait of " + formatSeconds(delay) + " s would pass the call's deadline");
			return result;
		}
		_logger.warning(_redactor.redact(result.error->message) + "; retry " + std::to_string(attempt) + " of "
			+ std::to_string(_retryPolicy.maxRetries()) + " in " + formatSeconds(delay) + " s");
		if (!waitUnlessCancelled(delay, cancelled)) return result;
	}
}

ApiResult OAuth2Client::revoke(const RevokeOptions& options)
{
	if (options.cancelled && options.cancelled->load()) return failure(Error{ErrorKind::Timeout, "the call was cancelled", true, std::nullopt, {}});
	if (auto problem = checkCallValue("token", options.token, true)) return failure(*problem);
	if (auto problem = checkCallValue("client_id", options.clientId, false)) return failure(*problem);
	_redactor.addToken(options.token);

	FormBody form;
	form.add("token", options.token);
	if (!options.clientId.empty()) form.add("client_id", options.clientId);
	WireRequest request = formRequest(form);
	request.headers.emplace_back("Authorization", "basic " + _basicCredentials);

	ApiResult result = post(REVOKE_ROUTE, request, deadlineOf(options.deadline), options.cancelled);
	if (result.ok()) _tokenCache.forget(options.token);
	return result;
}

ApiResult OAuth2Client::post(const std::string& route, const WireRequest& request, Deadline deadline, const std::atomic<bool>* cancelled)
{
	const auto started = Clock::now();
	ApiResult result;
	{
		if (!waitForTransport(deadline))
			return failure(Error{ErrorKind::Timeout, "the call's deadline passed while waiting for the session's connection", true, std::nullopt, {}});
		struct Turn
		{
			OAuth2Client& client;
			~Turn() { client.releaseTransport(); }
		} turn{*this};
		result = postFollowingRedirects(route, request, deadline, cancelled);
	}
	if (!result.error)
	{
		// The body of a token route success is read once, here; everything after uses `issued`.
		if (route == TOKEN_ROUTE && result.statusCode >= 200 && result.statusCode < 300) result.issued = IssuedToken::fromBody(result.body);
		result.error = ReplyClassifier::classify(route == TOKEN_ROUTE ? Route::Token : Route::Revoke, result);
		if (result.error && result.error->kind == ErrorKind::RegionMismatch)
		{
			// FalconPy's shape for this case: a synthetic 403 instead of the empty 2xx.
			const std::string traceId = result.error->traceId;
			result = ApiResult::synthetic(403, *result.error);
			result.error->traceId = traceId;
		}
	}
	if (result.error) result.error->message = _redactor.redact(result.error->message);
	// Any token in the reply is a secret from here on, before a single line is logged.
	if (result.issued) _redactor.addToken(result.issued->accessToken);
	logExchange(route, request, result, Clock::now() - started);
	return result;
}

ApiResult OAuth2Client::postFollowingRedirects(const std::string& route, const WireRequest& request, Deadline deadline, const std::atomic<bool>* cancelled)
{
	Endpoint target;
	{
		std::lock_guard<std::mutex> lock(_baseMutex);
		target = _base.withPath(_base.path + route);
	}
	for (unsigned hops = 0;; ++hops)
	{
		WireReply reply;
		try
		{
			reply = _transport.post(target, request, deadline, cancelled);
		}
		catch (const TransportError& e)
		{
			return failure(Error{e.kind(), e.message(), retryableKind(e.kind()) && !e.permanent(), std::nullopt, {}});
		}
		ApiResult result;
		result.statusCode = reply.status;
		result.headers = std::move(reply.headers);
		result.body = std::move(reply.body);
		if (result.statusCode != 308) return result;

		Endpoint next;
		std::optional<Error> refusal = hops < MAX_REDIRECTS
			? refuseRedirect(route, target, result.header("Location"), next)
			: Error{ErrorKind::Protocol, "more than " + std::to_string(MAX_REDIRECTS) + " redirects on " + route + "; stopped at " + target.str(), false, std::nullopt, {}};
		if (refusal)
		{
			refusal->traceId = ReplyClassifier::traceId(result);
			result.error = std::move(refusal);
			return result;
		}
		_logger.information("following 308 from " + target.str() + " to " + next.str()
			+ (result.header("X-Cs-Region").empty() ? "" : " (X-Cs-Region: " + result.header("X-Cs-Region") + ")"));
		target = next;
	}
}

std::optional<Error> OAuth2Client::refuseRedirect(const std::string& route, const Endpoint& from, const std::string& location, Endpoint& to) const
{
	auto refused = [&](const std::string& why) {
		return Error{ErrorKind::Protocol, "refused to follow 308 from " + from.str() + ": " + why, false, std::nullopt, {}};
	};
	if (location.empty()) return refused("no Location header");
	try
	{
		to = location.front() == '/' ? from.withPath(location) : Endpoint::parse(location, "Location");
	}
	catch (const InvalidInputException& e)
	{
		return refused(e.message());
	}
	if (from.secure() && !to.secure()) return refused("it would downgrade https to http (" + to.str() + ")");
	if (!to.sameHost(from) && !_config.regions->isFalconHost(to.host))
		return refused(to.host + " is neither a CrowdStrike host nor the host the request went to");
	if (to.path.size() < route.size() || to.path.compare(to.path.size() - route.size(), route.size(), route) != 0)
		return refused("it leads away from " + route + " (" + to.str() + ")");
	return std::nullopt;
}

void OAuth2Client::discoverRegion(const ApiResult& result)
{
	const std::string announced = result.header("X-Cs-Region");
	if (announced.empty() || !_baseIsCanonical) return;
	const CloudRegion* region = _config.regions->find(announced);
	if (!region || !region->discoverable) return;
	std::lock_guard<std::mutex> lock(_baseMutex);
	const CloudRegion* current = _config.regions->findByBaseUrl(_base.str());
	if (!current || current == region) return; // a custom base URL is never overwritten
	_logger.information("region autodiscovery: these credentials belong to " + region->name + "; switching from "
		+ current->name + " (" + current->baseUrl + ") to " + region->baseUrl);
	_base = Endpoint::parse(region->baseUrl, "X-Cs-Region");
	_baseIsCanonical = true;
}

void OAuth2Client::logExchange(const std::string& route, const WireRequest& request, const ApiResult& result, Clock::duration took) const
{
	// One line per call at debug level: at information a busy host would log every call.
	if (!_logger.debug()) return;
	const std::string elapsed = formatSeconds(std::chrono::duration_cast<std::chrono::milliseconds>(took));
	const std::string outcome = result.ok() ? "ok" : std::string(toString(result.error->kind));
	_logger.debug(_redactor.redact("POST " + route + " -> " + std::to_string(result.statusCode) + " " + outcome + " in " + elapsed + " s"
		+ (result.error ? ": " + result.error->message : "")));
	std::string detail = "request headers:";
	for (const auto& header : request.headers) detail += "\n  " + header.first + ": " + header.second;
	detail += "\nrequest body: " + request.body + "\nresponse headers:";
	for (const auto& header : result.headers) detail += "\n  " + header.first + ": " + header.second;
	detail += "\nresponse body: " + result.body;
	_logger.debug(_redactor.redact(detail));
}

} } // namespace Falcon::OAuth2
