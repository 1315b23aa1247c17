#pragma once

#include <Poco/JSON/Object.h>

#include <string>

namespace Falcon {
namespace Host {

/// Parses text the user handed in (an input, a config file). Returns the object, or null when
/// the text is valid JSON but not an object; throws HostError naming `what` and where the syntax
/// broke, never quoting the text (it may carry a secret or a token).
Poco::JSON::Object::Ptr parseJsonObject(const std::string& text, const std::string& what);

}} // namespace Falcon::Host
