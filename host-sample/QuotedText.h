#pragma once

#include <cstddef>
#include <string>

namespace Falcon {
namespace Host {

/// Text from a file, an argument or a reply, made safe to print in a message: control and
/// non-ASCII bytes escaped (\n, \x1b, ...), so that nothing it holds can move a terminal's
/// cursor, clear its screen or forge a line of output. The text itself is not changed otherwise.
std::string printable(const std::string& untrusted);

/// `untrusted` in single quotes, printable, and cut to its first `limit` characters with the
/// full length said after ("'abc...' (1600000 characters)"): a message shows an excerpt, never
/// a whole file.
std::string quoted(const std::string& untrusted, std::size_t limit = 80);

}
} // namespace Falcon::Host
