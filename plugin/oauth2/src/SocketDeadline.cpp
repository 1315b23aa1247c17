#include "falcon/oauth2/SocketDeadline.h"

#include <sys/socket.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace Falcon {
namespace OAuth2 {

struct SocketDeadline::Entry
{
	explicit Entry(int socket): descriptor(socket) {}

	int descriptor;
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
		static Watcher watcher;
		return watcher;
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
		// The watcher sleeps until the earliest deadline: wake it only when that one changed.
		if (entry.position == armed.begin()) changed.notify_one();
	}

	void disarm(SocketDeadline::Entry& entry)
	{
		std::lock_guard<std::mutex> lock(mutex);
		if (!entry.armed) return;
		armed.erase(entry.position);
		entry.armed = false;
	}

	bool passed(const SocketDeadline::Entry& entry)
	{
		std::lock_guard<std::mutex> lock(mutex);
		return entry.passed;
	}

private:
	void run()
	{
		std::unique_lock<std::mutex> lock(mutex);
		while (!stopping)
		{
			if (armed.empty())
			{
				changed.wait(lock);
				continue;
			}
			const auto first = armed.begin();
			if (Clock::now() < first->first)
			{
				changed.wait_until(lock, first->first);
				continue;
			}
			// Under the lock: the owner cannot disarm, hence cannot close, in between.
			::shutdown(first->second->descriptor, SHUT_RDWR);
			first->second->passed = true;
			first->second->armed = false;
			armed.erase(first);
		}
	}

	std::mutex mutex;
	std::condition_variable changed;
	std::multimap<Deadline, SocketDeadline::Entry*> armed;
	bool stopping = false;
	std::thread thread;
};

} // namespace

SocketDeadline::SocketDeadline(const Poco::Net::Socket& socket, Deadline deadline):
	_entry(std::make_unique<Entry>(socket.impl()->sockfd()))
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

} } // namespace Falcon::OAuth2
