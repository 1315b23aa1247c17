#include "WorkflowLoader.h"

#include "ActionSchemas.h"
#include "BoundedRead.h"
#include "EmbeddedSchemas.h"
#include "HostError.h"
#include "Problems.h"
#include "QuotedText.h"
#include "ReferenceChecker.h"
#include "YamlDocument.h"

#include "falcon/plugin/JsonValues.h"
#include "falcon/plugin/SchemaValidator.h"

#include <Poco/Path.h>

#include <set>

namespace Falcon {
namespace Workflow {

WorkflowInvalid::WorkflowInvalid(std::vector<std::string> problems):
	std::runtime_error(problems.empty() ? "invalid workflow" : problems.front()), _problems(std::move(problems))
{
}

namespace {

using Object = Poco::JSON::Object::Ptr;
using Array = Poco::JSON::Array::Ptr;
using Plugin::Json::asArray;
using Plugin::Json::asObject;

bool flag(const Object& spec, const std::string& name)
{
	return spec->has(name) && spec->get(name).isBoolean() && spec->getValue<bool>(name);
}

std::optional<double> number(const Object& spec, const std::string& name)
{
	return spec->has(name) && spec->get(name).isNumeric() ? std::optional<double>(spec->getValue<double>(name))
														  : std::nullopt;
}

/// Builds the definition from a file's values, reporting every problem on the way.
class WorkflowBuilder
{
public:
	WorkflowBuilder(const WorkflowLoader::ActionFinder& findAction, Problems& problems):
		_findAction(findAction), _problems(problems)
	{
	}

	/// `fileStem`: the workflow's name when it gives none (the run record always says which ran).
	WorkflowDefinition build(const Object& root, const std::string& fileStem)
	{
		WorkflowDefinition workflow;
		if (!root) return workflow;
		if (root->has("name") && root->get("name").isString()) workflow.name = root->get("name").toString();
		if (workflow.name.empty()) workflow.name = fileStem;
		if (const Object inputs = root->getObject("inputs"))
		{
			for (const auto& entry : *inputs) workflow.inputs[entry.first] = input(asObject(entry.second));
		}
		if (const Object env = root->getObject("env"))
		{
			for (const auto& entry : *env) workflow.env[entry.first] = variable(asObject(entry.second));
		}
		const Array steps = root->getArray("steps");
		ReferenceChecker references(workflow, stepIds(steps), _problems);
		for (std::size_t i = 0; steps && i < steps->size(); ++i)
		{
			if (const Object step = steps->getObject(static_cast<unsigned>(i)))
				workflow.steps.push_back(buildStep(step, (NodePath() / "steps")[i], references));
			references.stepLoaded(workflow.steps.empty() ? "" : workflow.steps.back().id);
		}
		if (const Object outputs = root->getObject("outputs"))
		{
			for (const auto& entry : *outputs)
			{
				const std::string text = entry.second.isEmpty() ? "" : entry.second.toString();
				if (auto parsed = references.parse(text, NodePath() / "outputs" / entry.first, {false, true}))
					workflow.outputs.emplace_back(entry.first, *parsed);
			}
		}
		return workflow;
	}

private:
	static std::vector<std::string> stepIds(const Array& steps)
	{
		std::vector<std::string> ids;
		for (std::size_t i = 0; steps && i < steps->size(); ++i)
		{
			const Object step = steps->getObject(static_cast<unsigned>(i));
			ids.push_back(step ? step->optValue<std::string>("id", "") : "");
		}
		return ids;
	}

	static InputDefinition input(const Object& spec)
	{
		InputDefinition input;
		if (!spec) return input;
		input.type = spec->optValue<std::string>("type", "");
		input.required = flag(spec, "required");
		input.secret = flag(spec, "secret");
		if (spec->has("default")) input.defaultValue = spec->get("default");
		return input;
	}

	static EnvDefinition variable(const Object& spec)
	{
		EnvDefinition variable;
		if (!spec) return variable;
		variable.required = flag(spec, "required");
		variable.secret = flag(spec, "secret");
		if (spec->has("default") && spec->get("default").isString())
			variable.defaultValue = spec->getValue<std::string>("default");
		return variable;
	}

	static RetrySettings retry(const Object& spec)
	{
		RetrySettings retry;
		retry.maxAttempts = spec->optValue<int>("max_attempts", 3);
		retry.exponential = spec->optValue<std::string>("backoff", "exponential") == "exponential";
		retry.initialDelaySeconds = number(spec, "initial_delay_s").value_or(1);
		retry.maxDelaySeconds = number(spec, "max_delay_s").value_or(30);
		const Array on = spec->getArray("on");
		for (std::size_t i = 0; on && i < on->size(); ++i)
			retry.on.push_back(on->get(static_cast<unsigned>(i)).toString());
		if (!on) retry.on = RetrySettings::defaultKinds();
		return retry;
	}

	StepDefinition buildStep(const Object& step, const NodePath& path, ReferenceChecker& references)
	{
		StepDefinition definition;
		definition.id = step->optValue<std::string>("id", "");
		definition.line = _problems.markOf(path).line + 1;
		if (!_seen.insert(definition.id).second && !definition.id.empty())
			_problems.add(path / "id", "steps: the id " + Host::quoted(definition.id) + " is used twice");
		const std::string actionName = step->optValue<std::string>("action", "");
		if (!actionName.empty())
		{
			definition.action = _findAction(actionName);
			if (!definition.action)
				_problems.add(path / "action",
					"step " + Host::printable(definition.id) + ": unknown action " + Host::quoted(actionName));
		}
		const bool loops = step->has("for_each");
		if (step->has("with"))
		{
			const Poco::Dynamic::Var with = step->get("with");
			definition.with = InputTemplate::compile(
				with, (path / "with").str(), [&](const std::string& text, const std::string& at) {
					return references.parse(text, NodePath(at), {loops, false});
				});
			if (definition.action && asObject(with))
				_schemas.checkLiteralInput(*definition.action, definition.id, with, path / "with", _problems);
		}
		if (step->has("if")) condition(step->get("if"), path / "if", references, definition);
		if (const Object spec = step->getObject("retry")) definition.retry = retry(spec);
		definition.timeoutSeconds = number(step, "timeout_s").value_or(0);
		definition.continueOnError = step->optValue<std::string>("on_error", "fail") == "continue";
		if (loops) forEach(step->get("for_each"), path / "for_each", references, definition);
		if (step->has("max_parallel") && step->get("max_parallel").isInteger())
			definition.maxParallel = step->getValue<int>("max_parallel");
		if (definition.action) definition.secretOutputPaths = ActionSchemas::secretOutputPaths(*definition.action);
		return definition;
	}

	static void condition(const Poco::Dynamic::Var& condition, const NodePath& path, ReferenceChecker& references,
		StepDefinition& definition)
	{
		const std::string text =
			condition.isBoolean() ? (condition.extract<bool>() ? "${{ true }}" : "${{ false }}") : condition.toString();
		// Like GitHub Actions, a bare expression is allowed without ${{ }}.
		const std::string wrapped = text.find("${{") == std::string::npos ? "${{ " + text + " }}" : text;
		const auto parsed = references.parse(wrapped, path, {});
		if (!parsed) return;
		for (const auto& expression : parsed->expressions())
		{
			definition.cleanup = definition.cleanup || expression.callsAlways();
			definition.conditionCallsStatus = definition.conditionCallsStatus || expression.callsStatus();
		}
		definition.condition = parsed;
	}

	void forEach(const Poco::Dynamic::Var& forEach, const NodePath& path, ReferenceChecker& references,
		StepDefinition& definition)
	{
		if (!forEach.isString())
		{
			definition.forEachList = forEach;
			return;
		}
		const auto parsed = references.parse(forEach.extract<std::string>(), path, {});
		if (!parsed) return;
		if (!parsed->hasExpressions())
			_problems.add(
				path, "step " + definition.id + ": for_each must be a list or a ${{ ... }} expression that gives one");
		definition.forEachTemplate = parsed;
	}

	const WorkflowLoader::ActionFinder& _findAction;
	Problems& _problems;
	ActionSchemas _schemas;
	std::set<std::string> _seen;
};

} // namespace

WorkflowLoader::WorkflowLoader(ActionFinder findAction): _findAction(std::move(findAction))
{
}

WorkflowDefinition WorkflowLoader::loadFile(const std::string& path) const
{
	std::string text;
	try
	{
		text = Host::readRegularFile(path, Host::MAX_DOCUMENT_BYTES, path);
	}
	catch (const Host::HostError& e)
	{
		throw WorkflowInvalid({e.what()});
	}
	return loadText(text, path);
}

WorkflowDefinition WorkflowLoader::loadText(const std::string& yaml, const std::string& fileName) const
{
	const YamlDocument document = YamlDocument::parse(yaml, fileName, MAX_YAML_NODES);
	Problems problems(fileName, document.marks);
	for (const auto& problem : document.problems) problems.addAt(problem.first, problem.second);
	static const Plugin::SchemaValidator schema(embeddedSchemas().at("workflow.schema.json"));
	for (const auto& problem : schema.validate(document.root, NodePath().str())) problems.addValidatorProblem(problem);

	WorkflowDefinition workflow;
	try
	{
		const Object object = asObject(document.root);
		if (!object) problems.addAt(YAML::Mark(), "the workflow must be a mapping (version:, steps:, ...)");
		workflow = WorkflowBuilder(_findAction, problems).build(object, Poco::Path(fileName).getBaseName());
	}
	catch (const Poco::Exception&)
	{
		// The checks above go on past schema problems, to report everything at once; a value of
		// the wrong shape may still stop them. The schema problem explains it when there is one.
		if (problems.list().empty())
			problems.addAt(YAML::Mark(), "a value does not have the type the workflow schema requires");
	}
	if (!problems.list().empty()) throw WorkflowInvalid(problems.list());
	return workflow;
}

}
} // namespace Falcon::Workflow
