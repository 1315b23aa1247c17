#pragma once

#include <string>

namespace Falcon {
namespace OAuth2 {

/// The SHA-256 digest of `bytes`, its 32 bytes as they are. Names a token's shared record, the
/// revoked tokens and a call's key without keeping the token or secret itself.
std::string sha256(const std::string& bytes);

}
} // namespace Falcon::OAuth2
