#pragma once

#include "RunState.h"

#include <Poco/JSON/Object.h>

#include <memory>
#include <vector>

namespace Falcon {
namespace Workflow {

/// The record of a finished run: {workflow, status, duration_s, steps[...], outputs}, with every
/// secret value masked. Made once, when nothing reads the real values any more: the steps'
/// outputs are masked in place.
class RunRecord
{
public:
	explicit RunRecord(RunState& run): _run(run) {}

	/// The workflow's outputs, evaluated while the steps' outputs still hold the real values.
	Poco::JSON::Object::Ptr outputs() const;

	Poco::JSON::Object::Ptr make(const std::string& status, double seconds,
		const std::vector<std::shared_ptr<StepState>>& states, const Poco::JSON::Object::Ptr& outputs) const;

private:
	Poco::JSON::Object::Ptr stepRecord(const StepDefinition& step, const StepState& state) const;
	void maskOutputs(const StepDefinition& step, const Poco::JSON::Object::Ptr& outputs) const;

	RunState& _run;
};

}
} // namespace Falcon::Workflow
