#pragma once

#include "Problems.h"

#include "falcon/plugin/Action.h"
#include "falcon/plugin/SchemaValidator.h"

#include <Poco/Dynamic/Var.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Workflow {

/// What the loader reads from an action's schemas: a step's literal `with:` checked against the
/// input schema before anything runs, and the output's x-secret paths. Validators are made once
/// per schema.
class ActionSchemas
{
public:
	/// Checks what of `with` is known at load time: each value holding an expression is replaced
	/// by a stand-in of the type the schema asks for, so only literal values can fail.
	void checkLiteralInput(const Plugin::Action& action, const std::string& stepId, const Poco::Dynamic::Var& with,
		const NodePath& path, Problems& problems);

	/// The paths of the output schema's x-secret fields (`body.access_token`).
	static std::vector<std::vector<std::string>> secretOutputPaths(const Plugin::Action& action);

private:
	std::map<std::string, std::unique_ptr<Plugin::SchemaValidator>> _validators;
};

}
} // namespace Falcon::Workflow
