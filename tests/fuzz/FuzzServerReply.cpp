// A server's reply as it comes off the wire: the status line and headers (read by Poco, as the
// transport reads them), then everything the client makes of it: the token body, the error
// classification on both routes, the trace ID, the API's message, the retry-after value and
// the redaction of what gets logged.
#include "falcon/oauth2/http/ApiResult.h"
#include "falcon/oauth2/http/IssuedToken.h"
#include "falcon/oauth2/core/Redactor.h"
#include "falcon/oauth2/http/ReplyClassifier.h"
#include "falcon/oauth2/http/RetryPolicy.h"

#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cstdint>
#include <cstdlib>
#include <sstream>

using namespace Falcon::OAuth2;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
	Poco::Net::HTTPResponse response;
	try
	{
		response.read(in);
	}
	catch (const Poco::Exception&)
	{
		return 0; // the transport reports an unreadable head as a protocol error
	}
	ApiResult result;
	result.statusCode = static_cast<int>(response.getStatus());
	for (const auto& header : response) result.headers.emplace_back(header.first, header.second);
	Poco::StreamCopier::copyToString(in, result.body);
	if (result.statusCode >= 200 && result.statusCode < 300) result.issued = IssuedToken::fromBody(result.body);

	for (Route route : {Route::Token, Route::Revoke})
	{
		result.error = ReplyClassifier::classify(route, result);
		if (result.error && result.error->message.empty()) std::abort(); // every failure says what failed
	}
	ReplyClassifier::traceId(result);
	result.toJSON();

	const std::string retryAfter = result.header("X-Ratelimit-Retryafter");
	RetryPolicy::parseRetryAfter(retryAfter);
	const auto delay =
		RetryPolicy(3, std::chrono::milliseconds(100), std::chrono::milliseconds(5000)).delayBefore(1, retryAfter);
	if (delay.count() < 0) std::abort();

	Redactor redactor;
	redactor.addSecret("fuzz/Secret+value=1");
	if (result.issued) redactor.addToken(result.issued->accessToken);
	const std::string redacted = redactor.redact(result.body);
	if (redacted.find("fuzz/Secret+value=1") != std::string::npos) std::abort();
	return 0;
}
