#pragma once

#include <cstddef>
#include <istream>
#include <string>

namespace Falcon {
namespace Host {

/// The largest file or stream the host reads: workflow files, inputs, configuration.
constexpr std::size_t MAX_DOCUMENT_BYTES = 1024 * 1024;
/// The largest secret file or secret line.
constexpr std::size_t MAX_SECRET_BYTES = 64 * 1024;

/// Reads a whole regular file of at most `limit` bytes. A directory, FIFO, socket or device is
/// refused by its type (reading one could block for ever or never end), and so is a file over
/// the limit, before it is read. Throws HostError naming `what` ("--input-file x.json") and the
/// reason (no such file, permission denied, is a directory, larger than N bytes).
std::string readRegularFile(const std::string& path, std::size_t limit, const std::string& what);

/// Reads `in` to its end, refusing more than `limit` bytes (stdin may be /dev/zero).
std::string readStream(std::istream& in, std::size_t limit, const std::string& what);

/// Reads one line of at most `limit` bytes (the newline, and a CR before it, dropped).
std::string readLine(std::istream& in, std::size_t limit, const std::string& what);

}
} // namespace Falcon::Host
