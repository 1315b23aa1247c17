#pragma once

#include "Expression.h"
#include "Problems.h"
#include "WorkflowDefinition.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace Falcon {
namespace Workflow {

/// Parses the templates of a workflow and checks what each expression reads: declared inputs
/// and env, steps that exist and have run by then, `item`/`index` only inside a for_each.
/// Every problem goes to `problems`, with its place.
class ReferenceChecker
{
public:
	/// What a template may read where it is.
	struct Scope
	{
		bool insideLoop = false; ///< the with: of a for_each step: item and index are defined
		bool anyStep = false; ///< the workflow's outputs: every step has run
	};

	/// `stepIds`: every step's id in order, so that references to later steps are told apart
	/// from references to none.
	ReferenceChecker(const WorkflowDefinition& workflow, std::vector<std::string> stepIds, Problems& problems);

	/// The parsed template, or nothing when it does not parse (reported). Its references are checked.
	std::optional<Template> parse(const std::string& text, const NodePath& path, Scope scope);

	/// Steps after this one may read it.
	void stepLoaded(const std::string& stepId) { _earlierSteps.insert(stepId); }

private:
	void checkPath(const std::vector<std::string>& reference, const NodePath& where, Scope scope);

	const WorkflowDefinition& _workflow;
	std::vector<std::string> _allStepIds;
	std::set<std::string> _earlierSteps;
	Problems& _problems;
};

}
} // namespace Falcon::Workflow
