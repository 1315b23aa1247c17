#pragma once

#include <Poco/Types.h>

#include <string>

namespace Falcon {
namespace OAuth2 {

/// A parsed, validated base URL or request target: where a request goes.
struct Endpoint
{
	std::string scheme; ///< "https" or "http"
	std::string host; ///< without brackets for IPv6
	Poco::UInt16 port = 0;
	std::string path; ///< "" or "/prefix" for a base URL; the full path for a target

	/// Parses and validates `url`; errors name `field`. Refuses user info, queries, fragments,
	/// schemes other than http(s), and plain http to anything but a loopback host (it would send
	/// the client secret in clear).
	static Endpoint parse(const std::string& url, const std::string& field);

	bool secure() const { return scheme == "https"; }
	bool sameOrigin(const Endpoint& other) const;
	bool sameHost(const Endpoint& other) const;

	/// scheme://host[:port] with the default port omitted.
	std::string origin() const;
	std::string str() const { return origin() + path; }

	/// The same origin with another path.
	Endpoint withPath(const std::string& newPath) const;
};

/// localhost, 127.0.0.0/8 and ::1.
bool isLoopbackHost(const std::string& host);

}
} // namespace Falcon::OAuth2
