#pragma once

#include <Poco/Types.h>

#include <string>

namespace Falcon {
namespace OAuth2 {

/// Where a Redis store is: `redis://[USER@]HOST[:PORT][/DB]` or `unix:///PATH[?db=DB]`.
/// A password is never part of it (a URL travels through argv, logs and `config` output): it is
/// given on its own, as a secret.
struct RedisAddress
{
	std::string host; ///< "" for a Unix socket
	Poco::UInt16 port = 6379;
	std::string socketPath; ///< a Unix socket's path
	std::string username; ///< Redis 6 ACL user; "" for the default user
	unsigned database = 0;

	/// Parses and validates `url`; errors name `field`. Refuses `rediss://` (Poco's Redis client
	/// has no TLS) and a password in the URL, each saying what to do instead.
	static RedisAddress parse(const std::string& url, const std::string& field);

	bool local() const { return !socketPath.empty(); }
	/// The URL again, for messages (it holds nothing secret).
	std::string str() const;
};

}
} // namespace Falcon::OAuth2
