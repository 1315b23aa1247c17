#pragma once

#include <string>

namespace Falcon {
namespace Testing {

/// What this process holds right now, read from /proc/self: for tests that check nothing
/// accumulates over many calls or many plugin loads.
struct ProcessFootprint
{
	unsigned long openFiles = 0; ///< entries of /proc/self/fd
	unsigned long residentKiB = 0; ///< VmRSS

	static ProcessFootprint now();

	/// Whether a file with this path is mapped into the process (a loaded shared object is).
	static bool maps(const std::string& path);
};

}
} // namespace Falcon::Testing
