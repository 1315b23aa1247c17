#pragma once

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <memory>

namespace Falcon {
namespace OAuth2 {

/// One T per CPU (up to MAX_SLOTS; more CPUs share them), each on cache lines of its own. State
/// that every call writes (a lock, a reference count) kept per CPU stays in that CPU's cache;
/// kept once, it moves from core to core on every call, and two cores together can then serve
/// fewer calls than one alone. A thread that moves to another CPU uses that CPU's slot from
/// then on: the slots must each be right for any thread.
template <typename T>
class PerCpu
{
public:
	static constexpr std::size_t MAX_SLOTS = 16;

	PerCpu(): _count(slotCount()), _slots(new Slot[_count]) {}

	/// The slot of the CPU the calling thread runs on.
	T& mine() const
	{
		const int cpu = ::sched_getcpu();
		return _slots[cpu < 0 ? 0 : static_cast<std::size_t>(cpu) % _count].value;
	}

	template <typename Visit>
	void forEach(Visit visit)
	{
		for (std::size_t i = 0; i < _count; ++i) visit(_slots[i].value);
	}

private:
	/// Asked of the system once per process: glibc reads it from /sys on every call.
	static std::size_t slotCount()
	{
		static const std::size_t count = static_cast<std::size_t>(
			std::clamp<long>(::sysconf(_SC_NPROCESSORS_CONF), 1, static_cast<long>(MAX_SLOTS)));
		return count;
	}

	struct alignas(64) Slot
	{
		T value;
	};

	std::size_t _count;
	std::unique_ptr<Slot[]> _slots;
};

}
} // namespace Falcon::OAuth2
