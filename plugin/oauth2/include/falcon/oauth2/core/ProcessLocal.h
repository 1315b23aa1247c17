#pragma once

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>

namespace Falcon {
namespace OAuth2 {

namespace Detail {

/// This process's ID without a system call per look: read once, and again in every child of
/// fork() (glibc drops the handler when the module holding it is unloaded).
inline std::atomic<pid_t>& processId()
{
	static std::atomic<pid_t> pid{0};
	return pid;
}

inline void refreshProcessId()
{
	processId().store(::getpid(), std::memory_order_relaxed);
}

inline pid_t currentProcess()
{
	static const bool watching = [] {
		refreshProcessId();
		return ::pthread_atfork(nullptr, nullptr, &refreshProcessId) == 0;
	}();
	return watching ? processId().load(std::memory_order_relaxed) : ::getpid();
}

} // namespace Detail

/// One T per process. A process-wide object (the session registry, the socket watcher, the TLS
/// contexts) that a child inherits from fork() is not the child's to use: its mutexes may be held
/// by threads the child does not have, its sockets carry the parent's TLS streams, its threads
/// are gone. The first use in a child makes the child an instance of its own and leaves the
/// inherited one untouched (never used, never destroyed: destroying it would close the parent's
/// connections' TLS sessions). The instance of the process that made this holder is destroyed
/// with it, as a static would be.
///
/// Lock-free on purpose: a lock would be one more thing a fork could leave held.
template <typename T>
class ProcessLocal
{
public:
	explicit ProcessLocal(std::function<T*()> make = [] { return new T; }): _make(std::move(make)) {}

	~ProcessLocal()
	{
		Slot* slot = _slot.load();
		if (slot && slot->owner == Detail::currentProcess()) delete slot;
	}

	ProcessLocal(const ProcessLocal&) = delete;
	ProcessLocal& operator=(const ProcessLocal&) = delete;

	T& get()
	{
		const pid_t self = Detail::currentProcess();
		Slot* slot = _slot.load(std::memory_order_acquire);
		while (!slot || slot->owner != self)
		{
			auto mine = std::make_unique<Slot>(self, _make());
			if (_slot.compare_exchange_strong(slot, mine.get(), std::memory_order_acq_rel))
				return *mine.release()->value;
			// Another thread of this process was first: use its instance (slot now holds it).
		}
		return *slot->value;
	}

private:
	struct Slot
	{
		Slot(pid_t process, T* instance): owner(process), value(instance) {}
		pid_t owner;
		std::unique_ptr<T> value;
	};

	std::function<T*()> _make;
	std::atomic<Slot*> _slot{nullptr};
};

}
} // namespace Falcon::OAuth2
