#include "falcon/oauth2/net/SocketDeadline.h"

#include "falcon/oauth2/core/ProcessLocal.h"

#include <sys/socket.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace Falcon {
namespace OAuth2 {

struct SocketDeadline::Entry
{
	Entry(int socket, const Cancellation* cancel): descriptor(socket), cancellation(cancel) {}

	int descriptor;
	const Cancellation* cancellation;
	bool armed = true;
	bool passed = false;
	std::multimap<Deadline, Entry*>::iterator position;
};

namespace {

/// Keeps the armed sockets in deadline order and shuts each down when its time comes. The thread
/// starts with the first socket armed and is joined when this static is destroyed (at exit, or
/// when the module is unloaded, so no thread is left running code that is gone).
class Watcher
{
public:
	static Watcher& instance()
	{
		// After fork() the child has no watcher thread: it starts one of its own.
		static ProcessLocal<Watcher> watcher;
		return watcher.get();
	}

	~Watcher()
	{
		{
			std::lock_guard<std::mutex> lock(mutex);
			stopping = true;
		}
		changed.notify_one();
		if (thread.joinable()) thread.join();
	}

	void arm(SocketDeadline::Entry& entry, Deadline deadline)
	{
		std::lock_guard<std::mutex> lock(mutex);
		if (!thread.joinable()) thread = std::thread([this] { run(); });
		entry.position = armed.emplace(deadline, &entry);
		if (entry.cancellation) ++cancellable;
		// Waking the watcher is a thread switch: only when it would sleep past this deadline, or
		// past the next look a cancellation flag needs. Calls one after another with the same
		// timeout each end later than the one before, so they wake it about once per timeout; and
		// while cancellable calls follow one another it is awake every CANCEL_POLL anyway.
		if (deadline < plannedWake || (entry.cancellation && plannedWake > Clock::now() + CANCEL_POLL))
			changed.notify_one();
	}

	void disarm(SocketDeadline::Entry& entry)
	{
		std::lock_guard<std::mutex> lock(mutex);
		if (!entry.armed) return;
		forget(entry);
	}

	bool passed(const SocketDeadline::Entry& entry)
	{
		std::lock_guard<std::mutex> lock(mutex);
		return entry.passed;
	}

private:
	/// How often the watcher looks at the cancellation flags of the calls armed with one.
	static constexpr std::chrono::milliseconds CANCEL_POLL{50};

	void forget(SocketDeadline::Entry& entry)
	{
		armed.erase(entry.position);
		entry.armed = false;
		if (entry.cancellation) --cancellable;
	}

	/// Under the lock: the owner cannot disarm, hence cannot close, in between.
	void shutDown(SocketDeadline::Entry& entry)
	{
		::shutdown(entry.descriptor, SHUT_RDWR);
		entry.passed = true;
		forget(entry);
	}

	void run()
	{
		std::unique_lock<std::mutex> lock(mutex);
		while (!stopping)
		{
			const auto now = Clock::now();
			for (auto it = armed.begin(); it != armed.end();)
			{
				SocketDeadline::Entry& entry = *(it++)->second;
				if (entry.position->first <= now || Cancellation::requested(entry.cancellation)) shutDown(entry);
				else if (cancellable == 0) break; // in deadline order: the rest are later
			}
			// With nothing armed, keep the last plan: a wake-up then costs less than one per call.
			if (!armed.empty()) plannedWake = armed.begin()->first;
			else if (plannedWake <= now) plannedWake = Deadline::max();
			if (cancellable > 0) plannedWake = std::min(plannedWake, now + CANCEL_POLL);
			if (plannedWake == Deadline::max()) changed.wait(lock);
			else changed.wait_until(lock, plannedWake);
		}
	}

	std::mutex mutex;
	std::condition_variable changed;
	std::multimap<Deadline, SocketDeadline::Entry*> armed;
	std::size_t cancellable = 0; ///< armed entries with a cancellation to look at
	Deadline plannedWake = Deadline::max(); ///< when the watcher wakes next on its own
	bool stopping = false;
	std::thread thread;
};

} // namespace

SocketDeadline::SocketDeadline(const Poco::Net::Socket& socket, Deadline deadline, const Cancellation* cancellation):
	_entry(std::make_unique<Entry>(socket.impl()->sockfd(), cancellation))
{
	Watcher::instance().arm(*_entry, deadline);
}

SocketDeadline::~SocketDeadline()
{
	disarm();
}

void SocketDeadline::disarm()
{
	Watcher::instance().disarm(*_entry);
}

bool SocketDeadline::passed() const
{
	return Watcher::instance().passed(*_entry);
}

}
} // namespace Falcon::OAuth2
