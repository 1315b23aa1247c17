#pragma once

#include "falcon/oauth2/http/Transport.h"
#include "falcon/oauth2/store/RedisConnection.h"

namespace Falcon {
namespace OAuth2 {

/// The code that speaks to sockets: the HTTP transport and the Redis connection, with the
/// network and TLS libraries under them (Poco Net, NetSSL, Crypto, Redis, libssl). A program
/// linked with falcon-oauth2 has it inside (falcon-oauth2-wire); the plugin module loads it from
/// a module of its own the first time a session sends something, so that a process answered
/// from its cache or the shared file store never maps those libraries.
struct Wire
{
	/// FALCON_OAUTH2_PRODUCT of the side that made it: C++ objects cross between the module and
	/// its wire, so both come from one release (they are installed together).
	const char* product;
	TransportFactory transport;
	RedisConnection::Factory redis;
};

/// This program's wire: defined by falcon-oauth2-wire where it is linked in, by the plugin
/// module's loader where it is not.
const Wire& wire();

}
} // namespace Falcon::OAuth2
