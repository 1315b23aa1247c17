#pragma once

#include <stdexcept>
#include <string>

namespace Falcon {
namespace Host {

/// A failure the host reports and exits on: usage, configuration or validation (exit status 2)
/// unless said otherwise. The message names what was wrong and never carries a secret.
class HostError: public std::runtime_error
{
public:
	static constexpr int USAGE = 2;
	/// The result could not be written (EX_IOERR).
	static constexpr int OUTPUT_FAILED = 74;

	explicit HostError(const std::string& message, int exitStatus = USAGE):
		std::runtime_error(message), _exitStatus(exitStatus)
	{
	}

	int exitStatus() const { return _exitStatus; }

private:
	int _exitStatus;
};

}
} // namespace Falcon::Host
