#include "StderrProgress.h"

#include <Poco/NumberFormatter.h>

#include <iostream>

namespace Falcon {
namespace Workflow {

void StderrProgress::started(const std::string& step, const std::string& action)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_terminal)
		std::cerr << "\r\033[K"
				  << "... " << step << " (" << action << ")" << std::flush;
	else std::cerr << "start " << step << " (" << action << ")\n" << std::flush;
}

void StderrProgress::finished(
	const std::string& step, const std::string& status, int iterations, int attempts, double seconds)
{
	auto counted = [](int count, const char* one, const char* many) {
		return std::to_string(count) + " " + (count == 1 ? one : many);
	};
	std::lock_guard<std::mutex> lock(_mutex);
	if (_terminal) std::cerr << "\r\033[K";
	std::cerr << "end   " << step << " " << status;
	if (attempts > 0) std::cerr << " in " << Poco::NumberFormatter::format(seconds, 3) << " s, ";
	if (iterations > 0)
		std::cerr << counted(iterations, "iteration", "iterations") << " (" << counted(attempts, "attempt", "attempts")
				  << ")";
	else if (attempts > 0) std::cerr << counted(attempts, "attempt", "attempts");
	std::cerr << "\n" << std::flush;
}

}
} // namespace Falcon::Workflow
