#pragma once

#include "WorkflowRunner.h"

#include <mutex>

namespace Falcon {
namespace Workflow {

/// One line per step start and end on stderr; a terminal gets a live line that the step's end
/// replaces, a pipe gets plain lines.
class StderrProgress: public ProgressReporter
{
public:
	explicit StderrProgress(bool terminal): _terminal(terminal) {}

	void started(const std::string& step, const std::string& action) override;
	void finished(
		const std::string& step, const std::string& status, int iterations, int attempts, double seconds) override;

private:
	bool _terminal;
	std::mutex _mutex;
};

}
} // namespace Falcon::Workflow
