#include "falcon/oauth2/Minter.h"

#include <Poco/NumberFormatter.h>

namespace Falcon {
namespace OAuth2 {

namespace {

std::string formatSeconds(std::chrono::duration<double> duration)
{
	return Poco::NumberFormatter::format(duration.count(), 3);
}

} // namespace

Minter::Minter(
	const ClientConfig& config, RouteCaller& caller, RegionRouter& router, Redactor& redactor, Poco::Logger& logger):
	_caller(caller),
	_router(router), _redactor(redactor), _logger(logger),
	_retryPolicy(config.maxRetries, config.retryBaseDelay, config.retryMaxDelay)
{
	FormBody form;
	form.add("client_id", config.clientId).add("client_secret", config.clientSecret);
	if (!config.memberCid.empty()) form.add("member_cid", config.memberCid);
	_request = caller.formRequest(form);
}

TokenResult Minter::token(const TokenCall& call)
{
	for (unsigned attempt = 1;; ++attempt)
	{
		if (Cancellation::requested(call.cancellation)) return _caller.failure(Error::cancelled());
		ApiResult result = _caller.post(Route::Token, _request, call);
		if (result.ok())
		{
			_router.discover(result.header("X-Cs-Region"));
			return result;
		}
		const ErrorKind kind = result.error->kind;
		if ((kind != ErrorKind::RateLimited && kind != ErrorKind::ServerError) || attempt > _retryPolicy.maxRetries())
			return result;
		const auto delay = _retryPolicy.delayBefore(attempt, result.header("X-Ratelimit-Retryafter"));
		if (Clock::now() + delay >= call.deadline)
		{
			_logger.information("not retrying " + pathOf(Route::Token) + ": the wait of " + formatSeconds(delay)
				+ " s would pass the call's deadline");
			return result;
		}
		_logger.warning(_redactor.redact(result.error->message) + "; retry " + std::to_string(attempt) + " of "
			+ std::to_string(_retryPolicy.maxRetries()) + " in " + formatSeconds(delay) + " s");
		if (!Cancellation::sleepFor(call.cancellation, delay)) return _caller.failure(Error::cancelled());
	}
}

}
} // namespace Falcon::OAuth2
