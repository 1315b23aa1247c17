#include "RunState.h"

#include "QuotedText.h"

#include "falcon/plugin/ActionContext.h"

#include <Poco/Environment.h>

#include <stdexcept>

namespace Falcon {
namespace Workflow {

namespace {

bool matchesType(const std::string& type, const Poco::Dynamic::Var& value)
{
	if (type.empty()) return true;
	if (type == "string") return value.isString();
	if (type == "boolean") return value.isBoolean();
	if (type == "integer") return value.isInteger() && !value.isBoolean();
	if (type == "number") return value.isNumeric() && !value.isBoolean();
	if (type == "object") return value.type() == typeid(Poco::JSON::Object::Ptr);
	if (type == "array") return value.type() == typeid(Poco::JSON::Array::Ptr);
	return true;
}

} // namespace

RunState::RunState(const WorkflowDefinition& definition, RunOptions& runOptions):
	workflow(definition), options(runOptions), inputs(new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER)),
	callTimeout(Plugin::ActionContext::callTimeoutOf(runOptions.connection)), _states(definition.steps.size())
{
}

void RunState::prepareInputs()
{
	for (const auto& secret : options.connectionSecrets) mask.add(secret);
	for (const auto& given : *options.inputs)
	{
		if (!workflow.inputs.count(given.first))
			throw std::invalid_argument("--input: the workflow has no input " + Host::quoted(given.first));
	}
	for (const auto& declared : workflow.inputs)
	{
		Poco::Dynamic::Var value =
			options.inputs->has(declared.first) ? options.inputs->get(declared.first) : declared.second.defaultValue;
		if (value.isEmpty())
		{
			if (declared.second.required)
				throw std::invalid_argument("--input: the workflow needs the input '" + declared.first + "'");
			continue;
		}
		if (!matchesType(declared.second.type, value))
			throw std::invalid_argument("--input: " + declared.first + " must be of type " + declared.second.type);
		if (declared.second.secret) mask.add(Value{value}.text());
		inputs->set(declared.first, value);
	}
	for (const auto& declared : workflow.env)
	{
		const std::string value = Poco::Environment::get(declared.first, declared.second.defaultValue.value_or(""));
		if (value.empty() && declared.second.required)
			throw std::invalid_argument("env: the workflow needs the environment variable " + declared.first);
		if (declared.second.secret) mask.add(value);
		env[declared.first] = Value{value, declared.second.secret};
	}
}

std::shared_ptr<StepState> RunState::start(const StepDefinition& step)
{
	auto state = std::make_shared<StepState>();
	std::lock_guard<std::mutex> lock(_mutex);
	_states.at(placeOf(step)) = state;
	return state;
}

std::shared_ptr<const StepState> RunState::stateOf(const StepDefinition& step) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _states.at(placeOf(step));
}

std::size_t RunState::placeOf(const StepDefinition& step) const
{
	return static_cast<std::size_t>(&step - workflow.steps.data());
}

const StepDefinition* RunState::stepNamed(const std::string& stepId) const
{
	for (const auto& step : workflow.steps)
	{
		if (step.id == stepId) return &step;
	}
	return nullptr;
}

bool RunState::failed() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _failed;
}

void RunState::markFailed()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_failed = true;
}

}
} // namespace Falcon::Workflow
