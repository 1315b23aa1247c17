#pragma once

#include "falcon/oauth2/core/Deadline.h"

#include <Poco/Net/SocketAddress.h>

#include <string>

namespace Falcon {
namespace OAuth2 {

/// Turns a host name into an address within a call's deadline.
///
/// Poco (like getaddrinfo) resolves synchronously, and a resolver that never answers holds the
/// caller for the resolver's own timeouts times its attempts times its servers: far past any
/// call's deadline. The lookup runs on glibc's own threads (getaddrinfo_a) instead, and the call
/// stops waiting at its deadline. A lookup that cannot be cancelled then is left to finish on
/// its own and reaped later; its memory is never handed back while glibc may still write to it.
/// Literal IPv4 and IPv6 addresses are parsed without any lookup.
class HostResolver
{
public:
	/// The first IPv4 address of `host` (else the first IPv6 one), as Poco picks it. Throws
	/// Poco::TimeoutException at the deadline, Poco::Net::HostNotFoundException when the name
	/// does not resolve.
	static Poco::Net::SocketAddress resolve(const std::string& host, Poco::UInt16 port, Deadline deadline);
};

}
} // namespace Falcon::OAuth2
