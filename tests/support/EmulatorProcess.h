#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Process.h>

#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Testing {

/// The falcon-emulator binary as a child process serving us-1 with one API client, for runs
/// that measure this process alone (benchmarks, soak): its memory, descriptors and CPU are
/// not mixed with the emulator's. Stopped (SIGTERM) and cleaned up on destruction.
class EmulatorProcess
{
public:
	/// `core` >= 0 pins the emulator to that CPU (through taskset, when there is one).
	EmulatorProcess(const std::string& binary, const std::string& clientId, const std::string& clientSecret,
		const std::vector<std::string>& extraArguments = {}, int core = -1);
	~EmulatorProcess();

	EmulatorProcess(const EmulatorProcess&) = delete;
	EmulatorProcess& operator=(const EmulatorProcess&) = delete;

	const std::string& baseUrl() const { return _baseUrl; }
	const std::string& caFile() const { return _caFile; }
	bool pinned() const { return _pinned; }

	/// GET /emulator/stats: the emulator's counters.
	Poco::JSON::Object::Ptr stats() const;

private:
	void stop();

	std::string _work;
	std::unique_ptr<Poco::ProcessHandle> _process;
	std::string _baseUrl;
	std::string _caFile;
	bool _pinned = false;
};

}
} // namespace Falcon::Testing
