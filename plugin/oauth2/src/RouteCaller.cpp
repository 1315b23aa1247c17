#include "falcon/oauth2/RouteCaller.h"

#include "falcon/oauth2/http/ReplyClassifier.h"
#include "falcon/oauth2/Version.h"

#include <Poco/NumberFormatter.h>

namespace Falcon {
namespace OAuth2 {

namespace {

ApiResult received(WireReply reply)
{
	ApiResult result;
	result.statusCode = reply.status;
	result.headers = std::move(reply.headers);
	result.body = std::move(reply.body);
	return result;
}

std::string formatSeconds(std::chrono::duration<double> duration)
{
	return Poco::NumberFormatter::format(duration.count(), 3);
}

/// The transport's slice of a client configuration (the proxy URL parsed here, once).
TransportSettings transportSettingsOf(const ClientConfig& config)
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

} // namespace

RouteCaller::RouteCaller(const ClientConfig& config, RegionRouter& router, Redactor& redactor, Poco::Logger& logger,
	TransportFactory transports):
	_userAgent(
		config.userAgent.empty() ? std::string(FALCON_OAUTH2_PRODUCT) : config.userAgent + " " + FALCON_OAUTH2_PRODUCT),
	_router(router), _redactor(redactor), _logger(logger), _transportSettings(transportSettingsOf(config)),
	_transport(_transportSettings, logger, redactor, transports)
{
	_redactor.addSecret(_transportSettings.proxy.password);
}

/// One call on the wire, its reply read the way the route's contract says, and logged.
ApiResult RouteCaller::post(Route route, const WireRequest& request, const CallBounds& call)
{
	const auto started = Clock::now();
	ApiResult result = send(route, request, call);
	if (!result.error)
	{
		// A success is read once, here: the classifier looks at the parsed body, a token route's
		// is read into `issued`, and the output is made from the same objects.
		if (result.statusCode >= 200 && result.statusCode < 300)
		{
			result.parse();
			if (route == Route::Token) result.issued = IssuedToken::fromJSON(result.parsed->body);
		}
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
ApiResult RouteCaller::send(Route route, const WireRequest& request, const CallBounds& call)
{
	try
	{
		const SharedTransport::Turn transport = _transport.take(call.deadline);
		if (!transport)
			return failure(
				Error::of(ErrorKind::Timeout, "the call's deadline passed while waiting for the session's connection"));
		Endpoint target = _router.target(route);
		for (unsigned hops = 0;; ++hops)
		{
			ApiResult result = received(transport->post(target, request, call.deadline, call.cancellation));
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
			_logger.information("following 308 from " + target.str() + " to " + next.str()
				+ (region.empty() ? "" : " (X-Cs-Region: " + region + ")"));
			target = next;
		}
	}
	catch (const TransportError& e)
	{
		Error failed = Error::of(e.kind(), e.message());
		failed.retryable = failed.retryable && !e.permanent();
		return failure(failed);
	}
}

ApiResult RouteCaller::failure(Error failed) const
{
	failed.message = _redactor.redact(failed.message);
	const bool refused = failed.kind == ErrorKind::InvalidInput; // only ever found before sending
	ApiResult result = ApiResult::synthetic(refused ? 400 : 500, std::move(failed));
	result.refused = refused;
	return result;
}

WireRequest RouteCaller::formRequest(const FormBody& form) const
{
	WireRequest request;
	request.headers.emplace_back("User-Agent", _userAgent);
	request.headers.emplace_back("CrowdStrike-SDK", FALCON_OAUTH2_PRODUCT);
	request.headers.emplace_back("Accept", "application/json");
	request.body = form.str();
	return request;
}

void RouteCaller::logExchange(
	Route route, const WireRequest& request, const ApiResult& result, Clock::duration took) const
{
	// One line per call at debug level: at information a busy host would log every call.
	if (!_logger.debug()) return;
	const std::string outcome = result.ok() ? "ok" : std::string(toString(result.error->kind));
	_logger.debug(_redactor.redact("POST " + pathOf(route) + " -> " + std::to_string(result.statusCode) + " " + outcome
		+ " in " + formatSeconds(took) + " s" + (result.error ? ": " + result.error->message : "")));
	std::string detail = "request headers:";
	for (const auto& header : request.headers) detail += "\n  " + header.first + ": " + header.second;
	detail += "\nrequest body: " + request.body + "\nresponse headers:";
	for (const auto& header : result.headers) detail += "\n  " + header.first + ": " + header.second;
	detail += "\nresponse body: " + result.body;
	_logger.debug(_redactor.redact(detail));
}

}
} // namespace Falcon::OAuth2
