#include "ReferenceChecker.h"

#include "QuotedText.h"

#include <Poco/String.h>

#include <algorithm>

namespace Falcon {
namespace Workflow {

namespace {

const std::vector<std::string> STEP_FIELDS{"outputs", "status", "error", "attempts"};

} // namespace

ReferenceChecker::ReferenceChecker(
	const WorkflowDefinition& workflow, std::vector<std::string> stepIds, Problems& problems):
	_workflow(workflow),
	_allStepIds(std::move(stepIds)), _problems(problems)
{
}

std::optional<Template> ReferenceChecker::parse(const std::string& text, const NodePath& path, Scope scope)
{
	try
	{
		Template parsed = Template::parse(text);
		for (const auto& expression : parsed.expressions())
		{
			for (const auto& reference : expression.paths()) checkPath(reference, path, scope);
		}
		return parsed;
	}
	catch (const ExpressionError& e)
	{
		_problems.addAbout(path, e.what());
		return std::nullopt;
	}
}

void ReferenceChecker::checkPath(const std::vector<std::string>& reference, const NodePath& where, Scope scope)
{
	const std::string dotted = Poco::cat(std::string("."), reference.begin(), reference.end());
	const std::string& root = reference.front();
	auto refuse = [&](const std::string& why) { _problems.addAbout(where, Host::quoted(dotted) + " " + why); };
	if (root == "item" || root == "index")
	{
		if (!scope.insideLoop) refuse("is only defined in the with: of a for_each step");
		return;
	}
	if (root == "inputs")
	{
		if (reference.size() < 2) refuse("must name an input");
		else if (!_workflow.inputs.count(reference[1]))
			refuse("refers to an input the workflow does not declare under inputs:");
		return;
	}
	if (root == "env")
	{
		if (reference.size() < 2) refuse("must name a variable");
		else if (!_workflow.env.count(reference[1]))
			refuse("refers to a variable the workflow does not declare under env:");
		return;
	}
	if (root == "steps")
	{
		if (reference.size() < 3)
		{
			refuse("must name a step and one of outputs, status, error, attempts");
			return;
		}
		const bool known = std::find(_allStepIds.begin(), _allStepIds.end(), reference[1]) != _allStepIds.end();
		if (!known) refuse("refers to a step that does not exist");
		else if (!scope.anyStep && !_earlierSteps.count(reference[1]))
			refuse("refers to a step that has not run yet (steps can only read earlier steps)");
		if (std::find(STEP_FIELDS.begin(), STEP_FIELDS.end(), reference[2]) == STEP_FIELDS.end())
			refuse("reads " + Host::quoted(reference[2]) + "; a step has outputs, status, error and attempts");
		return;
	}
	refuse("starts with an unknown name (inputs, env, steps, item, index)");
}

}
} // namespace Falcon::Workflow
