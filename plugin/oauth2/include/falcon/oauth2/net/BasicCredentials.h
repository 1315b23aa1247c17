#pragma once

#include <string>

namespace Falcon {
namespace OAuth2 {

/// base64("user:password") without line breaks: the credentials part of a Basic
/// Authorization (revoke) or Proxy-Authorization (CONNECT) header. The result is a secret.
std::string basicCredentials(const std::string& user, const std::string& password);

}
} // namespace Falcon::OAuth2
