#pragma once

#include "WorkflowDefinition.h"

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace Falcon {
namespace Workflow {

/// Every problem of a workflow file, each "FILE:LINE:COLUMN: what".
class WorkflowInvalid: public std::runtime_error
{
public:
	explicit WorkflowInvalid(std::vector<std::string> problems);
	const std::vector<std::string>& problems() const { return _problems; }

private:
	std::vector<std::string> _problems;
};

/// Reads a workflow file and checks all of it before anything runs: YAML syntax (with line and
/// column), the workflow schema, unknown keys, unknown actions, duplicate step IDs, references
/// to inputs, env and steps that are not declared or come later, expression syntax, and every
/// literal `with:` value against the action's input schema. All problems are reported at once.
class WorkflowLoader
{
public:
	/// The most values a workflow may hold with its YAML aliases expanded (a file is also at
	/// most Host::MAX_DOCUMENT_BYTES long).
	static constexpr std::size_t MAX_YAML_NODES = 100000;

	using ActionFinder = std::function<const Plugin::Action*(const std::string& name)>;

	explicit WorkflowLoader(ActionFinder findAction);

	/// Throws WorkflowInvalid.
	WorkflowDefinition loadFile(const std::string& path) const;
	WorkflowDefinition loadText(const std::string& yaml, const std::string& fileName) const;

private:
	ActionFinder _findAction;
};

}
} // namespace Falcon::Workflow
