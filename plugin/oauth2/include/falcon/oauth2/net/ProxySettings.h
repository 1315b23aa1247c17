#pragma once

#include <Poco/Types.h>

#include <string>

namespace Falcon {
namespace OAuth2 {

/// An HTTP proxy (CONNECT for https targets), with optional Basic credentials.
struct ProxySettings
{
	std::string host;
	Poco::UInt16 port = 0;
	std::string username;
	std::string password; ///< a secret: redacted everywhere

	bool enabled() const { return !host.empty(); }

	/// Parses `http://[user[:password]@]host[:port]` (the port defaults to 1080,
	/// as in curl). Errors name `field` and never echo the password.
	static ProxySettings parse(const std::string& url, const std::string& field);

	/// The proxy the environment asks for when talking to `targetHost`: `HTTPS_PROXY` (or
	/// `https_proxy`) unless `NO_PROXY` (or `no_proxy`) lists the host, a parent domain or `*`.
	/// Loopback targets never go through an environment proxy.
	static ProxySettings fromEnvironment(const std::string& targetHost);

	/// NO_PROXY matching: entries are host names or domain suffixes (".example.com" or
	/// "example.com" both match sub.example.com), optionally with a port, or "*".
	static bool bypassed(const std::string& noProxy, const std::string& targetHost);
};

}
} // namespace Falcon::OAuth2
