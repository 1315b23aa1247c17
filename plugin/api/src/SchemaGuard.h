#pragma once

#include <Poco/Dynamic/Var.h>

namespace Falcon {
namespace Plugin {

/// Makes a schema document safe to hand to valijson, or refuses it with
/// Poco::DataFormatException naming the place:
/// - `$ref` chains that loop, or that lead from the root to another document, are refused
///   (valijson follows them until the stack overflows);
/// - `pattern` and the date/time `format`s need a maxLength of at most 2,048 and are
///   rewritten to apply only to strings within it (valijson matches them with std::regex, which
///   recurses per character, even when maxLength already failed);
/// - `patternProperties` is refused (its regexes run on property names of any length).
void guardSchema(Poco::Dynamic::Var& document);

}
} // namespace Falcon::Plugin
