#pragma once

#include "falcon/oauth2/core/Deadline.h"

#include <atomic>

namespace Falcon {
namespace OAuth2 {

/// Lets one caller through at most once per interval, the first at once; the callers that come
/// meanwhile are turned away, not made to wait. Lock-free: safe to ask from many threads.
class Throttle
{
public:
	explicit Throttle(Clock::duration interval): _interval(interval) {}

	/// True for the one caller whose turn it is.
	bool pass()
	{
		const Clock::rep now = Clock::now().time_since_epoch().count();
		Clock::rep due = _next.load(std::memory_order_relaxed);
		return now >= due && _next.compare_exchange_strong(due, now + _interval.count());
	}

private:
	const Clock::duration _interval;
	std::atomic<Clock::rep> _next{0};
};

}
} // namespace Falcon::OAuth2
