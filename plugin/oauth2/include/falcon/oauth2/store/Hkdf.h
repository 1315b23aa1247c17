#pragma once

#include <cstddef>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// HKDF-SHA256 (RFC 5869): `length` bytes (at most 8160) of keying material drawn from `secret`,
/// as they are. Derives a shared entry's key ID and key from the client secret; the caller
/// cleanses what it is given.
std::string hkdfSha256(const std::string& secret, const std::string& salt, const std::string& info, std::size_t length);

}
} // namespace Falcon::OAuth2
