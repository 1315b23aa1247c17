#pragma once

#include "Expression.h"
#include "InputTemplate.h"

#include "falcon/plugin/Action.h"

#include <Poco/Dynamic/Var.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace Falcon {
namespace Workflow {

struct RetrySettings
{
	int maxAttempts = 1;
	bool exponential = true;
	double initialDelaySeconds = 1;
	double maxDelaySeconds = 30;
	std::vector<std::string> on; ///< error kinds worth another attempt (never `cancelled`)

	/// What `retry:` without `on:` retries: the failures that may pass by themselves.
	static std::vector<std::string> defaultKinds() { return {"rate_limited", "server_error", "network", "timeout"}; }
};

struct StepDefinition
{
	std::string id;
	const Plugin::Action* action = nullptr;
	InputTemplate with; ///< the input, its templates parsed
	std::optional<Template> condition; ///< `if`
	bool conditionCallsStatus = false; ///< the condition decides on status itself
	bool cleanup = false; ///< the condition calls always(): runs even when cancelled
	RetrySettings retry;
	double timeoutSeconds = 0; ///< 0: the connection's call timeout
	bool continueOnError = false;
	std::optional<Template> forEachTemplate; ///< for_each as an expression
	std::optional<Poco::Dynamic::Var> forEachList; ///< for_each as a literal list
	int maxParallel = 1;
	std::vector<std::vector<std::string>> secretOutputPaths; ///< x-secret paths of the action's output
	int line = 0;

	bool loops() const { return forEachTemplate.has_value() || forEachList.has_value(); }
};

struct InputDefinition
{
	std::string type;
	bool required = false;
	Poco::Dynamic::Var defaultValue;
	bool secret = false;
};

struct EnvDefinition
{
	bool required = false;
	std::optional<std::string> defaultValue;
	bool secret = false;
};

/// A workflow file, loaded and checked (see WorkflowLoader).
struct WorkflowDefinition
{
	std::string name;
	std::map<std::string, InputDefinition> inputs;
	std::map<std::string, EnvDefinition> env;
	std::vector<StepDefinition> steps;
	std::vector<std::pair<std::string, Template>> outputs;
};

}
} // namespace Falcon::Workflow
