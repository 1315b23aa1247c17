#include "WorkflowLoader.h"

#include "BoundedRead.h"
#include "EmbeddedSchemas.h"
#include "HostError.h"
#include "QuotedText.h"

#include "falcon/plugin/SchemaValidator.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/RegularExpression.h>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace Falcon {
namespace Workflow {

WorkflowInvalid::WorkflowInvalid(std::vector<std::string> problems):
	std::runtime_error(problems.empty() ? "invalid workflow" : problems.front()),
	_problems(std::move(problems))
{
}

namespace {

using Object = Poco::JSON::Object::Ptr;
using Array = Poco::JSON::Array::Ptr;

constexpr int MAX_YAML_DEPTH = 64;
const std::vector<std::string> STEP_FIELDS{"outputs", "status", "error", "attempts"};

Object asObject(const Poco::Dynamic::Var& value)
{
	return value.type() == typeid(Object) ? value.extract<Object>() : Object();
}

Array asArray(const Poco::Dynamic::Var& value)
{
	return value.type() == typeid(Array) ? value.extract<Array>() : Array();
}

/// Counts the values `node` stands for once its aliases are expanded, stopping at the budget:
/// a few hundred bytes of nested aliases stand for billions (a "billion laughs" file), which no
/// tree may be built from. Returns the node where the budget ran out, if it did.
std::optional<YAML::Node> exceedsBudget(const YAML::Node& node, std::size_t& budget, int depth = 0)
{
	if (budget == 0) return node;
	--budget;
	if (depth > MAX_YAML_DEPTH || !(node.IsMap() || node.IsSequence())) return std::nullopt; // the converter reports depth
	for (const auto& entry : node)
	{
		const YAML::Node child = node.IsMap() ? YAML::Node(entry.second) : YAML::Node(entry);
		if (auto stopped = exceedsBudget(child, budget, depth + 1)) return stopped;
	}
	return std::nullopt;
}

/// Where a second YAML document with content starts, if the text holds one. Reads the events of
/// the first two documents only: yaml-cpp's LoadAll can take a malformed text for endless empty
/// documents and never return.
std::optional<YAML::Mark> secondDocument(const std::string& yaml)
{
	class Content: public YAML::EventHandler
	{
	public:
		YAML::Mark start;
		bool found = false;

		void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
		void OnDocumentEnd() override {}
		void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
		void OnAlias(const YAML::Mark&, YAML::anchor_t) override { found = true; }
		void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { found = true; }
		void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override { found = true; }
		void OnSequenceEnd() override {}
		void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override { found = true; }
		void OnMapEnd() override {}
	};
	std::istringstream in(yaml);
	YAML::Parser parser(in);
	Content first;
	Content second;
	if (!parser.HandleNextDocument(first) || !parser.HandleNextDocument(second) || !second.found) return std::nullopt;
	return second.start;
}

/// YAML -> JSON values, remembering where each path came from.
class YamlConverter
{
public:
	std::map<std::string, YAML::Mark> marks;
	std::vector<std::pair<YAML::Mark, std::string>> problems;

	Poco::Dynamic::Var convert(const YAML::Node& node, const std::string& path, int depth = 0)
	{
		marks.emplace(path, node.Mark());
		if (depth > MAX_YAML_DEPTH)
		{
			problems.emplace_back(node.Mark(), path + ": nested more than " + std::to_string(MAX_YAML_DEPTH) + " levels deep");
			return {};
		}
		switch (node.Type())
		{
		case YAML::NodeType::Map:
		{
			Object object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
			for (const auto& entry : node)
			{
				if (!entry.first.IsScalar())
				{
					problems.emplace_back(entry.first.Mark(), path + ": keys must be plain names");
					continue;
				}
				const std::string key = entry.first.Scalar();
				if (object->has(key)) problems.emplace_back(entry.first.Mark(), path + ": " + Host::quoted(key) + " is given twice");
				const std::string child = path + "." + key;
				marks.emplace(child, entry.first.Mark());
				object->set(key, convert(entry.second, child, depth + 1));
			}
			return object;
		}
		case YAML::NodeType::Sequence:
		{
			Array array = new Poco::JSON::Array;
			for (std::size_t i = 0; i < node.size(); ++i) array->add(convert(node[i], path + "[" + std::to_string(i) + "]", depth + 1));
			return array;
		}
		case YAML::NodeType::Scalar:
			return scalar(node);
		default:
			return {};
		}
	}

private:
	/// YAML 1.2 core schema for plain scalars; quoted ones stay strings.
	static Poco::Dynamic::Var scalar(const YAML::Node& node)
	{
		const std::string& text = node.Scalar();
		if (node.Tag() == "!") return text;
		if (text == "true" || text == "True" || text == "TRUE") return true;
		if (text == "false" || text == "False" || text == "FALSE") return false;
		if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return {};
		static const Poco::RegularExpression integer("^[-+]?[0-9]+$");
		static const Poco::RegularExpression floating("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
		Poco::Int64 whole = 0;
		if (integer.match(text) && Poco::NumberParser::tryParse64(text, whole)) return whole;
		double number = 0;
		if (floating.match(text) && Poco::NumberParser::tryParseFloat(text, number)) return number;
		return text;
	}
};

/// Collects problems with their places.
class Problems
{
public:
	Problems(std::string fileName, const std::map<std::string, YAML::Mark>& marks): _fileName(std::move(fileName)), _marks(marks) {}

	void add(const std::string& path, const std::string& message)
	{
		addAt(markOf(path), message);
	}

	void addAt(const YAML::Mark& mark, const std::string& message)
	{
		// Every message passes here: whatever of the file it quotes cannot reach a terminal raw.
		const std::string line = Host::printable(_fileName + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": " + message);
		if (std::find(_list.begin(), _list.end(), line) == _list.end()) _list.push_back(line);
	}

	/// The mark of `path`, or of its nearest ancestor that has one.
	YAML::Mark markOf(std::string path) const
	{
		for (;;)
		{
			const auto it = _marks.find(path);
			if (it != _marks.end()) return it->second;
			const auto cut = path.find_last_of(".[");
			if (cut == std::string::npos || cut == 0) return YAML::Mark();
			path.erase(cut);
		}
	}

	const std::vector<std::string>& list() const { return _list; }

private:
	std::string _fileName;
	const std::map<std::string, YAML::Mark>& _marks;
	std::vector<std::string> _list;
};

void collectSecretPaths(const Object& schema, std::vector<std::string>& prefix, std::vector<std::vector<std::string>>& into)
{
	const Object properties = schema ? schema->getObject("properties") : Object();
	if (!properties) return;
	for (const auto& property : *properties)
	{
		const Object child = asObject(property.second);
		if (!child) continue;
		prefix.push_back(property.first);
		if (child->has("x-secret") && child->get("x-secret").isBoolean() && child->getValue<bool>("x-secret")) into.push_back(prefix);
		collectSecretPaths(child, prefix, into);
		prefix.pop_back();
	}
}

Object parseObject(const std::string& text)
{
	Poco::JSON::Parser parser;
	return parser.parse(text).extract<Object>();
}

/// A stand-in, acceptable to the schema's type, for a value only known at run time.
Poco::Dynamic::Var placeholderFor(const Object& schema)
{
	std::string type = "string";
	if (schema && schema->has("type"))
	{
		const Poco::Dynamic::Var declared = schema->get("type");
		type = declared.isString() ? declared.toString() : asArray(declared) && asArray(declared)->size() > 0 ? asArray(declared)->getElement<std::string>(0) : type;
	}
	if (type == "boolean") return false;
	if (type == "integer" || type == "number") return 1;
	if (type == "object") return Object(new Poco::JSON::Object);
	if (type == "array") return Array(new Poco::JSON::Array);
	return std::string("0");
}

/// `with` as its literal part: every value that holds an expression replaced by a stand-in.
Poco::Dynamic::Var literalPart(const Poco::Dynamic::Var& value, const Object& schema)
{
	if (value.isString()) return value.extract<std::string>().find("${{") != std::string::npos ? placeholderFor(schema) : value;
	const Object object = asObject(value);
	if (!object) return value;
	Object copy = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	const Object properties = schema ? schema->getObject("properties") : Object();
	for (const auto& entry : *object)
		copy->set(entry.first, literalPart(entry.second, properties ? properties->getObject(entry.first) : Object()));
	return copy;
}

class Checker
{
public:
	/// `stepIds`: every step's id in order, so that references to later steps are told apart
	/// from references to none.
	/// `fileStem`: the workflow's name when it gives none.
	Checker(const WorkflowLoader::ActionFinder& findAction, Problems& problems, std::vector<std::string> stepIds, std::string fileStem):
		_allStepIds(std::move(stepIds)), _fileStem(std::move(fileStem)), _findAction(findAction), _problems(problems) {}

	WorkflowDefinition build(const Object& root)
	{
		WorkflowDefinition workflow;
		if (!root) return workflow;
		if (root->has("name") && root->get("name").isString()) workflow.name = root->get("name").toString();
		if (workflow.name.empty()) workflow.name = _fileStem; // the run record always says which workflow ran
		if (const Object inputs = root->getObject("inputs"))
		{
			for (const auto& entry : *inputs)
			{
				InputDefinition input;
				if (const Object spec = asObject(entry.second))
				{
					input.type = spec->optValue<std::string>("type", "");
					input.required = spec->has("required") && spec->get("required").isBoolean() && spec->getValue<bool>("required");
					input.secret = spec->has("secret") && spec->get("secret").isBoolean() && spec->getValue<bool>("secret");
					if (spec->has("default")) input.defaultValue = spec->get("default");
				}
				workflow.inputs[entry.first] = input;
			}
		}
		if (const Object env = root->getObject("env"))
		{
			for (const auto& entry : *env)
			{
				EnvDefinition variable;
				if (const Object spec = asObject(entry.second))
				{
					variable.required = spec->has("required") && spec->get("required").isBoolean() && spec->getValue<bool>("required");
					variable.secret = spec->has("secret") && spec->get("secret").isBoolean() && spec->getValue<bool>("secret");
					if (spec->has("default") && spec->get("default").isString()) variable.defaultValue = spec->getValue<std::string>("default");
				}
				workflow.env[entry.first] = variable;
			}
		}
		_workflow = &workflow;
		if (const Array steps = root->getArray("steps"))
		{
			for (std::size_t i = 0; i < steps->size(); ++i)
			{
				const Object step = steps->getObject(static_cast<unsigned>(i));
				if (step) workflow.steps.push_back(buildStep(step, "workflow.steps[" + std::to_string(i) + "]"));
				_earlierSteps.insert(workflow.steps.empty() ? "" : workflow.steps.back().id);
			}
		}
		if (const Object outputs = root->getObject("outputs"))
		{
			for (const auto& entry : *outputs)
			{
				const std::string path = "workflow.outputs." + entry.first;
				const std::string text = entry.second.isEmpty() ? "" : entry.second.toString();
				if (auto parsed = parseTemplate(text, path)) 
				{
					checkReferences(*parsed, path, false, true);
					workflow.outputs.emplace_back(entry.first, *parsed);
				}
			}
		}
		return workflow;
	}

private:
	std::optional<Template> parseTemplate(const std::string& text, const std::string& path)
	{
		try
		{
			return Template::parse(text);
		}
		catch (const ExpressionError& e)
		{
			_problems.add(path, path.substr(9) + ": " + e.what());
			return std::nullopt;
		}
	}

	void checkPath(const std::vector<std::string>& reference, const std::string& where, bool insideLoop, bool anyStep)
	{
		std::string dotted;
		for (const auto& part : reference) dotted += (dotted.empty() ? "" : ".") + part;
		const std::string& root = reference.front();
		auto refuse = [&](const std::string& why) { _problems.add(where, where.substr(9) + ": " + Host::quoted(dotted) + " " + why); };
		if (root == "item" || root == "index")
		{
			if (!insideLoop) refuse("is only defined in the with: of a for_each step");
			return;
		}
		if (root == "inputs")
		{
			if (reference.size() < 2) refuse("must name an input");
			else if (!_workflow->inputs.count(reference[1])) refuse("refers to an input the workflow does not declare under inputs:");
			return;
		}
		if (root == "env")
		{
			if (reference.size() < 2) refuse("must name a variable");
			else if (!_workflow->env.count(reference[1])) refuse("refers to a variable the workflow does not declare under env:");
			return;
		}
		if (root == "steps")
		{
			if (reference.size() < 3) { refuse("must name a step and one of outputs, status, error, attempts"); return; }
			const bool known = std::any_of(_allStepIds.begin(), _allStepIds.end(), [&](const std::string& id) { return id == reference[1]; });
			if (!known) refuse("refers to a step that does not exist");
			else if (!anyStep && !_earlierSteps.count(reference[1])) refuse("refers to a step that has not run yet (steps can only read earlier steps)");
			if (std::find(STEP_FIELDS.begin(), STEP_FIELDS.end(), reference[2]) == STEP_FIELDS.end())
				refuse("reads " + Host::quoted(reference[2]) + "; a step has outputs, status, error and attempts");
			return;
		}
		refuse("starts with an unknown name (inputs, env, steps, item, index)");
	}

	void checkReferences(const Template& parsed, const std::string& where, bool insideLoop, bool anyStep)
	{
		for (const auto& expression : parsed.expressions())
		{
			for (const auto& reference : expression.paths()) checkPath(reference, where, insideLoop, anyStep);
		}
	}

	void checkWithStrings(const Poco::Dynamic::Var& value, const std::string& path, bool insideLoop)
	{
		if (value.isString())
		{
			if (auto parsed = parseTemplate(value.extract<std::string>(), path)) checkReferences(*parsed, path, insideLoop, false);
			return;
		}
		if (const Object object = asObject(value))
		{
			for (const auto& entry : *object) checkWithStrings(entry.second, path + "." + entry.first, insideLoop);
		}
		else if (const Array array = asArray(value))
		{
			for (std::size_t i = 0; i < array->size(); ++i) checkWithStrings(array->get(static_cast<unsigned>(i)), path + "[" + std::to_string(i) + "]", insideLoop);
		}
	}

	StepDefinition buildStep(const Object& step, const std::string& path)
	{
		StepDefinition definition;
		definition.id = step->optValue<std::string>("id", "");
		definition.line = _problems.markOf(path).line + 1;
		if (!definition.id.empty() && _seen.count(definition.id))
			_problems.add(path + ".id", "steps: the id " + Host::quoted(definition.id) + " is used twice");
		_seen.insert(definition.id);

		const std::string actionName = step->optValue<std::string>("action", "");
		if (!actionName.empty())
		{
			definition.action = _findAction(actionName);
			if (!definition.action) _problems.add(path + ".action", "step " + Host::printable(definition.id) + ": unknown action " + Host::quoted(actionName));
		}
		const bool loops = step->has("for_each");
		if (step->has("with"))
		{
			definition.with = step->get("with");
			checkWithStrings(definition.with, path + ".with", loops);
			if (definition.action && asObject(definition.with)) checkLiteralInput(definition, path + ".with");
		}
		else
		{
			definition.with = Object(new Poco::JSON::Object);
		}
		if (step->has("if"))
		{
			const Poco::Dynamic::Var condition = step->get("if");
			const std::string text = condition.isBoolean() ? (condition.extract<bool>() ? "${{ true }}" : "${{ false }}") : condition.toString();
			// Like GitHub Actions, a bare expression is allowed without ${{ }}.
			const std::string wrapped = text.find("${{") == std::string::npos ? "${{ " + text + " }}" : text;
			if (auto parsed = parseTemplate(wrapped, path + ".if"))
			{
				checkReferences(*parsed, path + ".if", false, false);
				for (const auto& expression : parsed->expressions())
				{
					definition.cleanup = definition.cleanup || expression.callsAlways();
					definition.conditionCallsStatus = definition.conditionCallsStatus || expression.callsStatus();
				}
				definition.condition = parsed;
			}
		}
		if (const Object retry = step->getObject("retry"))
		{
			definition.retry.maxAttempts = retry->optValue<int>("max_attempts", 3);
			definition.retry.exponential = retry->optValue<std::string>("backoff", "exponential") == "exponential";
			definition.retry.initialDelaySeconds = retry->has("initial_delay_s") && retry->get("initial_delay_s").isNumeric() ? retry->getValue<double>("initial_delay_s") : 1;
			definition.retry.maxDelaySeconds = retry->has("max_delay_s") && retry->get("max_delay_s").isNumeric() ? retry->getValue<double>("max_delay_s") : 30;
			if (const Array on = retry->getArray("on"))
			{
				for (std::size_t i = 0; i < on->size(); ++i) definition.retry.on.push_back(on->get(static_cast<unsigned>(i)).toString());
			}
			else
			{
				definition.retry.on = {"rate_limited", "server_error", "network", "timeout"};
			}
		}
		if (step->has("timeout_s") && step->get("timeout_s").isNumeric()) definition.timeoutSeconds = step->getValue<double>("timeout_s");
		definition.continueOnError = step->optValue<std::string>("on_error", "fail") == "continue";
		if (loops)
		{
			const Poco::Dynamic::Var forEach = step->get("for_each");
			if (forEach.isString())
			{
				if (auto parsed = parseTemplate(forEach.extract<std::string>(), path + ".for_each"))
				{
					checkReferences(*parsed, path + ".for_each", false, false);
					if (!parsed->hasExpressions()) _problems.add(path + ".for_each", "step " + definition.id + ": for_each must be a list or a ${{ ... }} expression that gives one");
					definition.forEachTemplate = parsed;
				}
			}
			else
			{
				definition.forEachList = forEach;
			}
		}
		if (step->has("max_parallel") && step->get("max_parallel").isInteger()) definition.maxParallel = step->getValue<int>("max_parallel");
		if (definition.action)
		{
			std::vector<std::string> prefix;
			collectSecretPaths(parseObject(definition.action->outputSchema()), prefix, definition.secretOutputPaths);
		}
		return definition;
	}

	void checkLiteralInput(const StepDefinition& step, const std::string& path)
	{
		const std::string schemaText = step.action->inputSchema();
		auto validator = _validators.find(schemaText);
		if (validator == _validators.end())
			validator = _validators.emplace(schemaText, std::make_unique<Plugin::SchemaValidator>(schemaText)).first;
		const Poco::Dynamic::Var literal = literalPart(step.with, parseObject(schemaText));
		for (const auto& problem : validator->second->validate(literal, path))
		{
			const auto colon = problem.find(": ");
			_problems.add(problem.substr(0, colon), "step " + step.id + ": " + problem.substr(9));
		}
	}

	std::vector<std::string> _allStepIds;
	std::string _fileStem;
	const WorkflowLoader::ActionFinder& _findAction;
	Problems& _problems;
	WorkflowDefinition* _workflow = nullptr;
	std::set<std::string> _earlierSteps;
	std::set<std::string> _seen;
	std::map<std::string, std::unique_ptr<Plugin::SchemaValidator>> _validators;
};

} // namespace

WorkflowLoader::WorkflowLoader(ActionFinder findAction):
	_findAction(std::move(findAction))
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
	auto located = [&](const YAML::Mark& mark, const std::string& message) {
		return Host::printable(fileName + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": " + message);
	};
	YAML::Node document;
	try
	{
		document = YAML::Load(yaml);
		if (const auto second = secondDocument(yaml))
			throw WorkflowInvalid({located(*second, "a second YAML document: a workflow file holds one (remove the '---' line or split the file)")});
	}
	catch (const YAML::Exception& e)
	{
		throw WorkflowInvalid({located(e.mark, "YAML syntax: " + e.msg)});
	}
	std::size_t budget = MAX_YAML_NODES;
	if (const auto stopped = exceedsBudget(document, budget))
	{
		throw WorkflowInvalid({located(stopped->Mark(), "the file stands for more than " + std::to_string(MAX_YAML_NODES)
			+ " values once its aliases are expanded; refused before expanding it")});
	}
	YamlConverter converter;
	const Poco::Dynamic::Var root = converter.convert(document, "workflow");
	Problems problems(fileName, converter.marks);
	for (const auto& problem : converter.problems) problems.addAt(problem.first, problem.second.substr(9));

	static const Plugin::SchemaValidator schema(embeddedSchemas().at("workflow.schema.json"));
	for (const auto& problem : schema.validate(root, "workflow"))
	{
		const auto colon = problem.find(": ");
		const std::string where = problem.substr(0, colon);
		problems.add(where, (where == "workflow" ? std::string("the workflow") : where.substr(9)) + problem.substr(colon));
	}

	WorkflowDefinition workflow;
	try
	{
		const Object object = asObject(root);
		if (!object) problems.addAt(YAML::Mark(), "the workflow must be a mapping (version:, steps:, ...)");
		std::vector<std::string> stepIds;
		if (const Array steps = object ? object->getArray("steps") : Array())
		{
			for (std::size_t i = 0; i < steps->size(); ++i)
			{
				const Object step = steps->getObject(static_cast<unsigned>(i));
				stepIds.push_back(step ? step->optValue<std::string>("id", "") : "");
			}
		}
		Checker checker(_findAction, problems, std::move(stepIds), Poco::Path(fileName).getBaseName());
		workflow = checker.build(object);
	}
	catch (const Poco::Exception&)
	{
		// The checks above go on past schema problems, to report everything at once; a value of
		// the wrong shape may still stop them. The schema problem explains it when there is one.
		if (problems.list().empty()) problems.addAt(YAML::Mark(), "a value does not have the type the workflow schema requires");
	}
	if (!problems.list().empty()) throw WorkflowInvalid(problems.list());
	return workflow;
}

} } // namespace Falcon::Workflow
