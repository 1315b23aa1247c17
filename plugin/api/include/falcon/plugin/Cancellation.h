#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace Falcon {
namespace Plugin {

/// A host's request that calls stop: a flag that is set once and never cleared, and that a
/// sleeping caller (a retry's backoff) wakes up to at once rather than noticing on its next poll.
///
/// Header-only, so that the client library (which knows nothing else of the plugin contract) can
/// take one too.
class Cancellation
{
public:
	using Clock = std::chrono::steady_clock;

	Cancellation() = default;
	Cancellation(const Cancellation&) = delete;
	Cancellation& operator=(const Cancellation&) = delete;

	/// Sets the flag and wakes every sleeper. Safe from any thread, any number of times.
	void cancel()
	{
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_cancelled.store(true);
		}
		_changed.notify_all();
	}

	bool cancelled() const noexcept { return _cancelled.load(); }

	/// Sleeps until `until` unless cancelled first. True when the time passed uncancelled.
	bool sleepUntil(Clock::time_point until) const
	{
		std::unique_lock<std::mutex> lock(_mutex);
		return !_changed.wait_until(lock, until, [this] { return _cancelled.load(); });
	}

	template <class Duration>
	bool sleepFor(Duration duration) const
	{
		return sleepUntil(Clock::now() + std::chrono::duration_cast<Clock::duration>(duration));
	}

	/// The same for an optional cancellation (null: nobody can cancel the call).
	static bool requested(const Cancellation* cancellation) noexcept
	{
		return cancellation && cancellation->cancelled();
	}

	template <class Duration>
	static bool sleepFor(const Cancellation* cancellation, Duration duration)
	{
		if (cancellation) return cancellation->sleepFor(duration);
		std::this_thread::sleep_for(duration);
		return true;
	}

private:
	std::atomic<bool> _cancelled{false};
	mutable std::mutex _mutex;
	mutable std::condition_variable _changed;
};

}
} // namespace Falcon::Plugin
