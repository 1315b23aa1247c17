#pragma once

#include <Poco/Dynamic/Var.h>

#include <chrono>
#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// The useful part of a 201 from the token route.
struct IssuedToken
{
	std::string accessToken;
	std::chrono::seconds expiresIn{0};

	/// Reads `{"access_token": "...", "expires_in": N, ...}`; empty when the body is not JSON,
	/// lacks a non-empty string token, or has no positive numeric lifetime.
	static std::optional<IssuedToken> fromBody(const std::string& body);
	/// The same, from a body already parsed (the object, or whatever else it was).
	static std::optional<IssuedToken> fromJSON(const Poco::Dynamic::Var& body);
};

}
} // namespace Falcon::OAuth2
