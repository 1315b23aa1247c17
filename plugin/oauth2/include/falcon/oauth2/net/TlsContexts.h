#pragma once

#include <Poco/Net/Context.h>

#include <string>

namespace Falcon {
namespace OAuth2 {

/// One TLS context per trust setting for the whole process: a context holds the parsed CA store
/// (some 850 KiB for the system bundle), and a host may keep hundreds of sessions. A CA bundle
/// file that changes on disk gets a fresh context for sessions made after the change.
Poco::Net::Context::Ptr sharedTlsContext(const std::string& caBundle, bool verify);

}
} // namespace Falcon::OAuth2
