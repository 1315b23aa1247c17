#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace Falcon {
namespace Emulator {

/// A sliding window of requests per source address, as the real token route counts them.
class RateLimiter
{
public:
	using Clock = std::chrono::system_clock;

	struct Decision
	{
		bool allowed = true;
		unsigned limit = 0;
		unsigned remaining = 0;
		Clock::time_point retryAt; ///< when a refused caller may come back
	};

	explicit RateLimiter(unsigned limit, std::chrono::seconds window = std::chrono::seconds(60));

	/// Counts a request from `source` (refused requests are not counted).
	Decision admit(const std::string& source);

	void setLimit(unsigned limit);

private:
	std::mutex _mutex;
	unsigned _limit;
	const std::chrono::seconds _window;
	std::map<std::string, std::deque<Clock::time_point>> _seen;
};

}
} // namespace Falcon::Emulator
