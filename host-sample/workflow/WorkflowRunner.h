#pragma once

#include "SecretMask.h"
#include "WorkflowDefinition.h"

#include "falcon/plugin/Cancellation.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Workflow {

/// Where the runner reports step starts and ends (stderr in falcon-host).
class ProgressReporter
{
public:
	virtual ~ProgressReporter() = default;
	virtual void started(const std::string& step, const std::string& action) = 0;
	/// `iterations`: how many items a for_each step ran (0 for a plain step); `attempts` counts
	/// every attempt of every iteration.
	virtual void finished(
		const std::string& step, const std::string& status, int iterations, int attempts, double seconds) = 0;
};

struct RunOptions
{
	Poco::JSON::Object::Ptr connection; ///< validated connection settings
	std::vector<std::string> connectionSecrets; ///< the connection's secret values, masked everywhere
	Poco::JSON::Object::Ptr inputs; ///< the workflow's inputs (--input)
	std::shared_ptr<Plugin::Cancellation> cancelled; ///< no new step starts, retry waits end; calls in flight finish
	std::shared_ptr<Plugin::Cancellation> abandoned; ///< calls in flight (but always() steps) end now
	bool revealOutputs = false;
	ProgressReporter* progress = nullptr;
	Poco::Logger* logger = nullptr; ///< what the actions log to
};

class RunState;

/// Runs a loaded workflow: steps in order (StepExecution: `if`, retries with backoff,
/// `for_each` iterations in parallel up to max_parallel, `on_error`), cancellation (new steps
/// stop, always() steps still run; abandoning also ends the calls in flight), and the run record
/// (RunRecord), with every secret value masked.
class WorkflowRunner
{
public:
	WorkflowRunner(const WorkflowDefinition& workflow, RunOptions options);
	~WorkflowRunner();

	/// The run record: {workflow, status, duration_s, steps[...], outputs}. Never throws for a
	/// failing step; throws std::invalid_argument for inputs that do not fit their declaration.
	/// Call once: the steps' outputs are masked in place as the record is made.
	Poco::JSON::Object::Ptr run();

	/// "success", "failure" or "cancelled" after run().
	const std::string& status() const { return _status; }
	const SecretMask& mask() const;

private:
	RunOptions _options;
	std::unique_ptr<RunState> _run;
	std::string _status = "success";
};

}
} // namespace Falcon::Workflow
