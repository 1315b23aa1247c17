#include "falcon/oauth2/http/ReplyClassifier.h"

#include "falcon/oauth2/core/JsonReader.h"
#include "falcon/oauth2/http/IssuedToken.h"
#include "falcon/oauth2/http/RetryPolicy.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/String.h>

namespace Falcon {
namespace OAuth2 {

namespace {

Poco::JSON::Object::Ptr parseObject(const std::string& body)
{
	try
	{
		return JsonReader::read(body).extract<Poco::JSON::Object::Ptr>();
	}
	catch (const std::exception&)
	{
		return nullptr;
	}
}

/// Whether the body is a JSON object, read from the parsed reply when there is one.
bool isObject(const ApiResult& reply)
{
	if (reply.parsed) return reply.parsed->body.type() == typeid(Poco::JSON::Object::Ptr);
	return parseObject(reply.body) != nullptr;
}

} // namespace

std::string ReplyClassifier::apiMessage(const std::string& body)
{
	try
	{
		const auto object = parseObject(body);
		if (!object) return {};
		const auto errors = object->getArray("errors");
		if (!errors || errors->size() == 0) return {};
		const auto first = errors->getObject(0);
		if (!first || !first->has("message")) return {};
		return first->get("message").toString();
	}
	catch (const std::exception&)
	{
		return {};
	}
}

std::string ReplyClassifier::traceId(const ApiResult& reply)
{
	std::string id = reply.header("X-Cs-Traceid");
	if (!id.empty()) return id;
	try
	{
		const auto object = parseObject(reply.body);
		const auto meta = object ? object->getObject("meta") : nullptr;
		if (meta && meta->has("trace_id")) return meta->get("trace_id").toString();
	}
	catch (const std::exception&)
	{
	}
	return {};
}

std::optional<Error> ReplyClassifier::classify(Route route, const ApiResult& reply)
{
	const int status = reply.statusCode;
	const bool success = status >= 200 && status < 300;
	const bool blank = reply.body.find_first_not_of(" \t\r\n") == std::string::npos;
	// A revoke's reply carries nothing the client needs, but it must be the API's (empty or JSON).
	if (success && (route == Route::Token ? reply.issued.has_value() : blank || isObject(reply))) return std::nullopt;
	Error error;
	error.traceId = traceId(reply);
	const std::string said = apiMessage(reply.body);
	error.message = pathOf(route) + " answered " + std::to_string(status) + (said.empty() ? "" : ": " + said);

	if (success && route == Route::Token && blank)
	{
		// What the real API answers gov-cloud credentials on a commercial cloud (contract 6).
		error.kind = ErrorKind::RegionMismatch;
		error.message = "Region autodiscovery failure: /oauth2/token answered " + std::to_string(status)
			+ " without a token; the credentials probably belong to another cloud (gov clouds must be set explicitly)";
		return error;
	}
	if (success)
	{
		const std::string type = reply.header("Content-Type");
		error.kind = ErrorKind::BadResponse;
		error.message = pathOf(route) + " answered " + std::to_string(status) + " with "
			+ (type.empty() ? std::string("a body") : "a " + type.substr(0, type.find(';')) + " body")
			+ (route == Route::Token ? " that is not the JSON token the route promises"
									 : " that is not the API's JSON reply")
			+ "; something other than the Falcon API may be answering (a gateway, proxy or captive portal): check "
			  "base_url and the proxy";
		return error;
	}
	switch (status)
	{
	case 400: error.kind = ErrorKind::InvalidInput; break;
	case 401: error.kind = ErrorKind::AuthFailed; break;
	case 403:
		error.kind = Poco::toLower(said).find("invalid client") != std::string::npos ? ErrorKind::AuthFailed
																					 : ErrorKind::Forbidden;
		break;
	case 429:
		error.kind = ErrorKind::RateLimited;
		error.retryable = true;
		if (auto wait = RetryPolicy::parseRetryAfter(reply.header("X-Ratelimit-Retryafter")))
			error.retryAfterSeconds = std::chrono::duration<double>(*wait).count();
		break;
	default:
		if (status >= 500 && status <= 599)
		{
			error.kind = ErrorKind::ServerError;
			error.retryable = true;
		}
		else
		{
			error.kind = ErrorKind::Protocol;
		}
	}
	return error;
}

}
} // namespace Falcon::OAuth2
