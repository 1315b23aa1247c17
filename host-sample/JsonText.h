#pragma once

#include <Poco/JSON/Object.h>

#include <string>

namespace Falcon {
namespace Host {

/// Parses text the user handed in (an input, a config file). Returns the object, or null when
/// the text is valid JSON but not an object; throws HostError naming `what` and where the syntax
/// broke, never quoting the text (it may carry a secret or a token).
Poco::JSON::Object::Ptr parseJsonObject(const std::string& text, const std::string& what);

/// `value` as JSON: indented by two (`pretty`) or on one line. Empty arrays and objects are `[]`
/// and `{}` (Poco's own indentation puts a blank line inside them).
std::string jsonText(const Poco::Dynamic::Var& value, bool pretty);

}
} // namespace Falcon::Host
