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
	/// The body as JSON, once someone parsed it (a cached token is returned many times). Shared
	/// and never changed: toJSON hands out copies.
	std::shared_ptr<const Poco::Dynamic::Var> parsedBody;
	/// The headers as the JSON object toJSON gives, once made (for a result returned many times).
	/// Shared and never changed: toJSON hands out copies.
	std::shared_ptr<const Poco::JSON::Object> headersObject;

	/// Parses the body and makes the headers' object now, so that every later toJSON of this
	/// result (and its copies) copies them instead.
	void keepParsedBody();

	bool ok() const { return !error.has_value(); }
	std::string header(const std::string& name) const { return findHeader(headers, name); }

	/// `{status_code, headers, body, error?}`; a JSON body is embedded as parsed JSON, anything
	/// else as a string.
	Poco::JSON::Object::Ptr toJSON() const;

	/// FalconPy's shape for failures that never got an API reply (transport failures and the
	/// SDK's own refusals): `{"errors": [{"message": m, "code": status}], "resources": []}`.
	static ApiResult synthetic(int statusCode, Error error);
};

}
} // namespace Falcon::OAuth2
