#pragma once

#include <Poco/Types.h>

#include <string>

namespace Falcon {
namespace OAuth2 {

/// Where a Redis store is: `redis://[USER@]HOST[:PORT][/DB]`, the same over TLS as
/// `rediss://[USER@]HOST[:PORT][/DB][?ca_bundle=PATH&client_cert=PATH&client_key=PATH]`, or
/// `unix:///PATH[?db=DB]`. A password is never part of it (a URL travels through argv, logs and
/// `config` output): it is given on its own, as a secret. File paths are not secrets: the TLS
/// files are named in the URL, so that every door that takes the URL takes them.
struct RedisAddress
{
	std::string host; ///< "" for a Unix socket
	Poco::UInt16 port = 6379;
	std::string socketPath; ///< a Unix socket's path
	std::string username; ///< Redis 6 ACL user; "" for the default user
	unsigned database = 0;

	bool tls = false; ///< rediss://: the server's certificate verified against `caBundle` and the host name
	std::string caBundle; ///< PEM file of the CAs trusted for this server; "" for the system's
	std::string clientCert; ///< PEM certificate presented to a server that asks for one (with clientKey)
	std::string clientKey; ///< its private key (PEM)

	/// Parses and validates `url`; errors name `field`. Refuses a password in the URL, saying
	/// what to do instead.
	static RedisAddress parse(const std::string& url, const std::string& field);

	bool local() const { return !socketPath.empty(); }
	/// Whether what goes to this server crosses a network in clear: plain TCP to a host that is
	/// not a loopback address.
	bool inClear() const;
	/// The URL again, for messages (it holds nothing secret).
	std::string str() const;
};

}
} // namespace Falcon::OAuth2
