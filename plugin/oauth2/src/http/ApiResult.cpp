#include "falcon/oauth2/http/ApiResult.h"

#include "falcon/oauth2/core/JsonReader.h"

#include "falcon/plugin/JsonValues.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

namespace Falcon {
namespace OAuth2 {

using Plugin::Json::put;

namespace {

Poco::Dynamic::Var bodyAsJSON(const std::string& body)
{
	if (body.empty()) return std::string();
	try
	{
		// Keys stay in the order the API sent them: the body is passed through, not rewritten.
		return JsonReader::read(body);
	}
	catch (const Poco::Exception&)
	{
		return body;
	}
}

Poco::JSON::Object::Ptr errorAsJSON(const Error& error)
{
	Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	put(*json, "kind", std::string(toString(error.kind)));
	put(*json, "message", error.message);
	put(*json, "retryable", error.retryable);
	if (error.retryAfterSeconds) put(*json, "retry_after_s", *error.retryAfterSeconds);
	else put(*json, "retry_after_s", Poco::Dynamic::Var());
	put(*json, "trace_id", error.traceId);
	return json;
}

} // namespace

namespace {

/// A repeated header arrives as one value, as `requests` presents it.
Poco::JSON::Object::Ptr headersAsJSON(const HeaderList& headers)
{
	Poco::JSON::Object::Ptr headerObject = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	for (const auto& header : headers)
	{
		if (headerObject->has(header.first))
			put(*headerObject, header.first, headerObject->getValue<std::string>(header.first) + ", " + header.second);
		else put(*headerObject, header.first, header.second);
	}
	return headerObject;
}

/// The output of `result` around the headers' object and the body given: both become part of it.
Poco::JSON::Object::Ptr assembled(const ApiResult& result, Poco::JSON::Object::Ptr headerObject,
	Poco::Dynamic::Var bodyJson, std::optional<std::chrono::seconds> remainingLifetime)
{
	Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	put(*json, "status_code", result.statusCode);
	put(*json, "headers", std::move(headerObject));
	if (remainingLifetime && bodyJson.type() == typeid(Poco::JSON::Object::Ptr))
	{
		Poco::JSON::Object::Ptr object = bodyJson.extract<Poco::JSON::Object::Ptr>();
		if (object->has("expires_in")) put(*object, "expires_in", static_cast<Poco::Int64>(remainingLifetime->count()));
	}
	put(*json, "body", std::move(bodyJson));
	if (result.error) put(*json, "error", errorAsJSON(*result.error));
	return json;
}

} // namespace

Poco::JSON::Object::Ptr ApiResult::toJSON() const&
{
	return toJSON(remainingLifetime);
}

Poco::JSON::Object::Ptr ApiResult::toJSON(std::optional<std::chrono::seconds> lifetime) const
{
	if (parsed)
	{
		Parsed own = parsed->copy();
		return assembled(*this, std::move(own.headers), std::move(own.body), lifetime);
	}
	return assembled(*this, headersAsJSON(headers), bodyAsJSON(body), lifetime);
}

ApiResult::Parsed ApiResult::Parsed::copy() const
{
	// The headers' values are strings: copying the object copies them.
	return Parsed{Plugin::Json::deepCopy(body), new Poco::JSON::Object(*headers)};
}

Poco::JSON::Object::Ptr ApiResult::toJSON() &&
{
	// Nothing else can reach a parsed reply this result alone holds: no copy is needed.
	if (parsed && parsed.use_count() == 1)
	{
		const std::shared_ptr<Parsed> own = std::move(parsed);
		return assembled(*this, std::move(own->headers), std::move(own->body), remainingLifetime);
	}
	return static_cast<const ApiResult&>(*this).toJSON();
}

void ApiResult::parse()
{
	if (!parsed) parsed = std::make_shared<Parsed>(Parsed{bodyAsJSON(body), headersAsJSON(headers)});
}

ApiResult ApiResult::synthetic(int statusCode, Error error)
{
	Poco::JSON::Object::Ptr errorEntry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	errorEntry->set("message", error.message);
	errorEntry->set("code", statusCode);
	Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
	errors->add(errorEntry);
	Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
	body.set("errors", errors);
	body.set("resources", Poco::JSON::Array::Ptr(new Poco::JSON::Array));

	ApiResult result;
	result.statusCode = statusCode;
	std::ostringstream out;
	body.stringify(out);
	result.body = out.str();
	result.error = std::move(error);
	return result;
}

}
} // namespace Falcon::OAuth2
