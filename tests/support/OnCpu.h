#pragma once

#include <pthread.h>
#include <sched.h>

#include <exception>
#include <stdexcept>
#include <thread>
#include <vector>

namespace Falcon {
namespace Testing {

/// The CPUs this process may run on.
inline std::vector<long> usableCpus()
{
	cpu_set_t usable;
	if (::sched_getaffinity(0, sizeof usable, &usable) != 0) throw std::runtime_error("sched_getaffinity failed");
	std::vector<long> cpus;
	for (long cpu = 0; cpu < CPU_SETSIZE; ++cpu)
		if (CPU_ISSET(cpu, &usable)) cpus.push_back(cpu);
	return cpus;
}

/// What `call` returns when run on a thread kept to `cpu` alone (for state kept per CPU); what
/// it throws (a failed assertion too) is thrown here.
template <typename Call>
auto onCpu(long cpu, Call call)
{
	decltype(call()) result{};
	bool pinned = false;
	std::exception_ptr failure;
	std::thread([&] {
		cpu_set_t only;
		CPU_ZERO(&only);
		CPU_SET(cpu, &only);
		pinned = ::pthread_setaffinity_np(::pthread_self(), sizeof only, &only) == 0;
		try
		{
			if (pinned) result = call();
		}
		catch (...)
		{
			failure = std::current_exception();
		}
	}).join();
	if (failure) std::rethrow_exception(failure);
	if (!pinned) throw std::runtime_error("could not keep a thread to CPU " + std::to_string(cpu));
	return result;
}

}
} // namespace Falcon::Testing
