#pragma once

#include "SecretMask.h"
#include "WorkflowDefinition.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

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
	virtual void finished(const std::string& step, const std::string& status, int iterations, int attempts, double seconds) = 0;
};

struct RunOptions
{
	Poco::JSON::Object::Ptr connection;  ///< validated connection settings
	Poco::JSON::Object::Ptr inputs;      ///< the workflow's inputs (--input)
	std::shared_ptr<std::atomic<bool>> cancelled; ///< no new step starts; calls in flight finish
	std::shared_ptr<std::atomic<bool>> abandoned; ///< calls in flight (but always() steps) end now
	bool revealOutputs = false;
	ProgressReporter* progress = nullptr;
	Poco::Logger* logger = nullptr;      ///< what the actions log to
};

/// Runs a loaded workflow: steps in order, `if`, retries with backoff, `for_each` iterations in
/// parallel up to max_parallel, `on_error`, cancellation (new steps stop, always() steps still
/// run; abandoning also ends the calls in flight). Produces the run record, with every secret value masked.
class WorkflowRunner
{
public:
	WorkflowRunner(const WorkflowDefinition& workflow, RunOptions options);

	/// The run record: {workflow, status, duration_s, steps[...], outputs}. Never throws for a
	/// failing step; throws std::invalid_argument for inputs that do not fit their declaration.
	/// Call once: the steps' outputs are masked in place as the record is made.
	Poco::JSON::Object::Ptr run();

	/// "success", "failure" or "cancelled" after run().
	const std::string& status() const { return _status; }
	const SecretMask& mask() const { return _mask; }

	struct StepState;

private:
	class Context;

	void prepareInputs();
	void runStep(const StepDefinition& step, StepState& state);
	Poco::JSON::Object::Ptr attempt(const StepDefinition& step, const Context& context, int& attempts);
	/// `value` with its expressions evaluated; nothing for an optional input that was not given.
	std::optional<Poco::Dynamic::Var> resolve(const Poco::Dynamic::Var& value, const Context& context);
	void maskOutputs(const StepDefinition& step, const Poco::JSON::Object::Ptr& outputs) const;
	bool waitUnlessCancelled(double seconds, bool cleanup) const;

	const WorkflowDefinition& _workflow;
	RunOptions _options;
	SecretMask _mask;
	Poco::JSON::Object::Ptr _inputs;
	std::map<std::string, Value> _env;
	std::map<std::string, std::shared_ptr<StepState>> _states;
	bool _failed = false;
	std::string _status = "success";
	mutable std::mutex _mutex;
};

} } // namespace Falcon::Workflow
