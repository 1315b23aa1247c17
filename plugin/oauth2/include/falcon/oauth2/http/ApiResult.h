#pragma once

#include "falcon/oauth2/core/Error.h"
#include "falcon/oauth2/http/HeaderList.h"
#include "falcon/oauth2/http/IssuedToken.h"

#include <Poco/JSON/Object.h>

#include <memory>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Falcon {
namespace OAuth2 {

/// FalconPy's uniform return `{status_code, headers, body}`, plus our error object on failure.
struct ApiResult
{
	int statusCode = 0;
	HeaderList headers;
	std::string body; ///< the body exactly as the API sent it
	std::optional<Error> error; ///< set on every failure, never on success
	bool refused = false; ///< refused before anything was sent: the caller's input or configuration
	/// A cached token: what is left of its lifetime, written over the body's expires_in (a host
	/// schedules its renewal from it). The headers stay those of the reply that minted it.
	std::optional<std::chrono::seconds> remainingLifetime;
	std::optional<IssuedToken> issued; ///< a token route success: the body, read once

	/// The reply as JSON: the body (a string when it is not JSON) and the headers' object.
	struct Parsed
	{
		Poco::Dynamic::Var body;
		Poco::JSON::Object::Ptr headers;

		/// A copy that shares no object with this one (Poco's objects are shared pointers).
		Parsed copy() const;
	};
	/// The reply as JSON, once someone read it (a cached token is returned many times). Copies
	/// of this result share it, and nobody changes it while it is shared.
	std::shared_ptr<Parsed> parsed;

	/// Reads the body and makes the headers' object now, so that every later toJSON of this
	/// result (and of its copies) starts from them instead of from the text.
	void parse();

	bool ok() const { return !error.has_value(); }
	std::string header(const std::string& name) const { return findHeader(headers, name); }

	/// `{status_code, headers, body, error?}`; a JSON body is embedded as parsed JSON, anything
	/// else as a string. The objects are the caller's own: nothing else holds them.
	Poco::JSON::Object::Ptr toJSON() const&;
	/// The same from a result about to go: the parsed reply, when no copy shares it, becomes the
	/// output itself instead of being copied (a minted token is read once and handed over).
	Poco::JSON::Object::Ptr toJSON() &&;
	/// toJSON() as if `remainingLifetime` were `lifetime`: a kept result served as a cached
	/// token, without a copy of the result made first.
	Poco::JSON::Object::Ptr toJSON(std::optional<std::chrono::seconds> lifetime) const;

	/// FalconPy's shape for failures that never got an API reply (transport failures and the
	/// SDK's own refusals): `{"errors": [{"message": m, "code": status}], "resources": []}`.
	static ApiResult synthetic(int statusCode, Error error);
};

}
} // namespace Falcon::OAuth2
