#pragma once

#include "RunContext.h"
#include "RunState.h"

namespace Falcon {
namespace Workflow {

/// Runs one step of a run: its condition, its attempts with retries and backoff, and for a
/// for_each step its iterations, up to max_parallel at a time. Records the outcome in `state`.
class StepExecution
{
public:
	StepExecution(RunState& run, const StepDefinition& step, StepState& state);

	void run();

private:
	bool shouldRun(const RunContext& context, bool cancelled) const;
	Poco::JSON::Object::Ptr attempt(const RunContext& context, int& attempts);
	Poco::JSON::Object::Ptr iterate(const RunContext& context, int& iterations);
	double delayBefore(int attempt) const;
	bool waitBeforeRetry(double seconds) const;

	RunState& _run;
	const StepDefinition& _step;
	StepState& _state;
};

}
} // namespace Falcon::Workflow
