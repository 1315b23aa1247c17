#pragma once

#include <string>

namespace Falcon {
namespace Host {

/// `text` with the password of a URL in it (the userinfo after ':', however it is encoded)
/// shown as ***: "redis://:PW@host/0" is "redis://:***@host/0", "redis://user%3APW@host" is
/// "redis://user:***@host". Text that holds no such URL comes back as it is.
std::string withUrlPasswordMasked(const std::string& text);

}
} // namespace Falcon::Host
