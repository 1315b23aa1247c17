#pragma once

#include "falcon/plugin/Export.h"

#include <Poco/Dynamic/Var.h>

#include <string>

namespace Falcon {
namespace Plugin {
namespace Json {

/// `value` as compact JSON text, byte for byte what Poco's stringify writes with no indent (keys
/// in the object's own order, `"` and `\` escaped, control characters as \b \f \n \r \t or
/// \u00XX, other bytes as they are), appended to `out` instead of going through a stream one character at a
/// time: an action's output is written for every call through the C interface.
FALCON_PLUGIN_EXPORT void write(const Poco::Dynamic::Var& value, std::string& out);

}
}
} // namespace Falcon::Plugin::Json
