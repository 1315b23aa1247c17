#pragma once

#include <string>
#include <utility>
#include <vector>

namespace Falcon {
namespace Host {

/// The `key = value` settings of the [section] of an INI text, in order, each key once (the last
/// value given wins). Read as Poco's IniFileConfiguration reads INI: a line starting with ';' or
/// '#' is a comment, section names are matched whatever their case, keys and values are trimmed
/// and a line without '=' is a key without a value.
std::vector<std::pair<std::string, std::string>> iniSection(const std::string& text, const std::string& section);

}
} // namespace Falcon::Host
