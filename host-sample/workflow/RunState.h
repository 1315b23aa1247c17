#pragma once

#include "SecretMask.h"
#include "WorkflowDefinition.h"
#include "WorkflowRunner.h"

#include <Poco/JSON/Object.h>

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace Falcon {
namespace Workflow {

/// One step's progress and result, as the run record shows it.
struct StepState
{
	std::string status = "pending";
	int attempts = 0;
	double seconds = 0;
	Poco::Dynamic::Var outputs; ///< an object, or for for_each an array of objects in item order
	Poco::Dynamic::Var error;
};

/// What the steps of one run share: the workflow, its options, inputs and environment, every
/// step's state so far, whether a step failed, and the mask of every secret met. The steps of a
/// for_each read and write it from several threads.
class RunState
{
public:
	RunState(const WorkflowDefinition& workflow, RunOptions& options);

	const WorkflowDefinition& workflow;
	const RunOptions& options;
	SecretMask mask;
	Poco::JSON::Object::Ptr inputs; ///< after defaults, checked against their declarations
	std::map<std::string, Value> env;
	/// The connection's call_timeout_s (or the default), read once: every attempt of every step
	/// without a timeout of its own is given it.
	const double callTimeout;

	/// Checks the given inputs and reads the environment; throws std::invalid_argument.
	void prepareInputs();

	/// `step` is one of the workflow's steps.
	std::shared_ptr<StepState> start(const StepDefinition& step);
	/// Null until the step has started.
	std::shared_ptr<const StepState> stateOf(const StepDefinition& step) const;
	const StepDefinition* stepNamed(const std::string& stepId) const;

	bool failed() const;
	void markFailed();
	/// No new step starts (a first signal); always() steps still run.
	bool cancelled() const { return options.cancelled->cancelled(); }

private:
	/// Where `step` stands in the workflow's list.
	std::size_t placeOf(const StepDefinition& step) const;

	mutable std::mutex _mutex;
	std::vector<std::shared_ptr<StepState>> _states; ///< by the step's place in the workflow
	bool _failed = false;
};

}
} // namespace Falcon::Workflow
