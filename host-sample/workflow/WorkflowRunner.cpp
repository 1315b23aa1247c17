#include "WorkflowRunner.h"

#include "RunRecord.h"
#include "RunState.h"
#include "StepExecution.h"

namespace Falcon {
namespace Workflow {

WorkflowRunner::WorkflowRunner(const WorkflowDefinition& workflow, RunOptions options): _options(std::move(options))
{
	if (!_options.inputs) _options.inputs = new Poco::JSON::Object;
	if (!_options.cancelled) _options.cancelled = std::make_shared<Plugin::Cancellation>();
	if (!_options.abandoned) _options.abandoned = std::make_shared<Plugin::Cancellation>();
	if (!_options.logger) _options.logger = &Poco::Logger::get("falcon.workflow");
	_run = std::make_unique<RunState>(workflow, _options);
}

WorkflowRunner::~WorkflowRunner() = default;

const SecretMask& WorkflowRunner::mask() const
{
	return _run->mask;
}

Poco::JSON::Object::Ptr WorkflowRunner::run()
{
	const auto started = std::chrono::steady_clock::now();
	_run->prepareInputs();
	std::vector<std::shared_ptr<StepState>> states;
	for (const auto& step : _run->workflow.steps)
	{
		states.push_back(_run->start(step));
		StepExecution(*_run, step, *states.back()).run();
	}
	if (_run->cancelled()) _status = "cancelled";
	else if (_run->failed()) _status = "failure";

	const RunRecord record(*_run);
	const auto outputs = record.outputs();
	return record.make(
		_status, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), states, outputs);
}

}
} // namespace Falcon::Workflow
