#pragma once

#include <Poco/Net/Context.h>

#include <string>

namespace Falcon {
namespace OAuth2 {

/// One TLS context per trust setting for the whole process: a context holds the parsed CA store
/// (some 850 KiB for the system bundle), and a host may keep hundreds of sessions. A file that
/// changes on disk (the CA bundle, a client certificate or key) gets a fresh context for
/// connections made after the change. `clientCert` and `clientKey`: what the client presents to
/// a server that asks (mutual TLS); both or neither.
Poco::Net::Context::Ptr sharedTlsContext(
	const std::string& caBundle, bool verify, const std::string& clientCert = "", const std::string& clientKey = "");

}
} // namespace Falcon::OAuth2
