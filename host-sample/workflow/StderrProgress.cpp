#include "StderrProgress.h"

#include <Poco/NumberFormatter.h>

#include <iostream>

namespace Falcon {
namespace Workflow {

void StderrProgress::started(const std::string& step, const std::string& action)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_terminal)
		std::cerr << "\r\033[K" << "... " << step << " (" << action << ")" << std::flush;
	else
		std::cerr << "start " << step << " (" << action << ")\n" << std::flush;
}

void StderrProgress::finished(const std::string& step, const std::string& status, int attempts, double seconds)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_terminal) std::cerr << "\r\033[K";
	std::cerr << "end   " << step << " " << status;
	if (attempts > 0) std::cerr << " in " << Poco::NumberFormatter::format(seconds, 3) << " s, " << attempts << (attempts == 1 ? " attempt" : " attempts");
	std::cerr << "\n" << std::flush;
}

} } // namespace Falcon::Workflow
