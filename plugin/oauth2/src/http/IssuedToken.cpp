#include "falcon/oauth2/http/IssuedToken.h"

#include "falcon/oauth2/core/JsonReader.h"

#include <Poco/JSON/Object.h>

namespace Falcon {
namespace OAuth2 {

std::optional<IssuedToken> IssuedToken::fromBody(const std::string& body)
{
	try
	{
		return fromJSON(JsonReader::read(body));
	}
	catch (const std::exception&)
	{
		return std::nullopt;
	}
}

std::optional<IssuedToken> IssuedToken::fromJSON(const Poco::Dynamic::Var& body)
{
	try
	{
		if (body.type() != typeid(Poco::JSON::Object::Ptr)) return std::nullopt;
		const auto object = body.extract<Poco::JSON::Object::Ptr>();
		if (!object) return std::nullopt;
		const Poco::Dynamic::Var token = object->get("access_token");
		const Poco::Dynamic::Var expiresIn = object->get("expires_in");
		if (!token.isString() || !expiresIn.isNumeric()) return std::nullopt;
		IssuedToken issued;
		issued.accessToken = token.extract<std::string>();
		const double seconds = expiresIn.convert<double>();
		if (issued.accessToken.empty() || !(seconds > 0) || seconds > 1e9) return std::nullopt;
		issued.expiresIn = std::chrono::seconds(static_cast<long long>(seconds));
		return issued;
	}
	catch (const std::exception&)
	{
		return std::nullopt;
	}
}

}
} // namespace Falcon::OAuth2
