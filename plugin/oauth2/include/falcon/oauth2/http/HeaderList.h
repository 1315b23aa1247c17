#pragma once

#include <string>
#include <utility>
#include <vector>

namespace Falcon {
namespace OAuth2 {

/// Headers in the order and spelling they arrived in.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// The value of the first header called `name` (compared case-insensitively), or "".
std::string findHeader(const HeaderList& headers, const std::string& name);

}
} // namespace Falcon::OAuth2
