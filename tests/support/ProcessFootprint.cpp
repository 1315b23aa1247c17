#include "ProcessFootprint.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>

#include <fstream>

namespace Falcon {
namespace Testing {

ProcessFootprint ProcessFootprint::now()
{
	ProcessFootprint footprint;
	for (Poco::DirectoryIterator it(std::string("/proc/self/fd")), end; it != end; ++it) ++footprint.openFiles;
	std::ifstream status("/proc/self/status");
	std::string line;
	while (std::getline(status, line))
	{
		if (line.rfind("VmRSS:", 0) != 0) continue;
		const auto digits = line.find_first_of("0123456789");
		footprint.residentKiB =
			Poco::NumberParser::parseUnsigned64(line.substr(digits, line.find(' ', digits) - digits));
	}
	return footprint;
}

bool ProcessFootprint::maps(const std::string& path)
{
	const std::string absolute = Poco::Path(path).absolute().toString();
	std::ifstream maps("/proc/self/maps");
	std::string line;
	while (std::getline(maps, line))
	{
		if (line.size() >= absolute.size()
			&& line.compare(line.size() - absolute.size(), absolute.size(), absolute) == 0)
			return true;
	}
	return false;
}

}
} // namespace Falcon::Testing
