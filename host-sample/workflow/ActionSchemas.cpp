#include "ActionSchemas.h"

#include "falcon/plugin/JsonValues.h"

#include <Poco/JSON/Parser.h>

namespace Falcon {
namespace Workflow {

using Object = Poco::JSON::Object::Ptr;
using Array = Poco::JSON::Array::Ptr;
using Plugin::Json::asArray;
using Plugin::Json::asObject;

namespace {

Object parseObject(const std::string& text)
{
	Poco::JSON::Parser parser;
	return parser.parse(text).extract<Object>();
}

/// A stand-in, acceptable to the schema's type, for a value only known at run time.
Poco::Dynamic::Var standInFor(const Object& schema)
{
	std::string type = "string";
	if (schema && schema->has("type"))
	{
		const Poco::Dynamic::Var declared = schema->get("type");
		if (declared.isString()) type = declared.toString();
		else if (const Array types = asArray(declared); types && types->size() > 0)
			type = types->getElement<std::string>(0);
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
	if (value.isString())
		return value.extract<std::string>().find("${{") != std::string::npos ? standInFor(schema) : value;
	const Object object = asObject(value);
	if (!object) return value;
	Object copy = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	const Object properties = schema ? schema->getObject("properties") : Object();
	for (const auto& entry : *object)
		copy->set(entry.first, literalPart(entry.second, properties ? properties->getObject(entry.first) : Object()));
	return copy;
}

void collectSecretPaths(
	const Object& schema, std::vector<std::string>& prefix, std::vector<std::vector<std::string>>& into)
{
	const Object properties = schema ? schema->getObject("properties") : Object();
	if (!properties) return;
	for (const auto& property : *properties)
	{
		const Object child = asObject(property.second);
		if (!child) continue;
		prefix.push_back(property.first);
		if (child->has("x-secret") && child->get("x-secret").isBoolean() && child->getValue<bool>("x-secret"))
			into.push_back(prefix);
		collectSecretPaths(child, prefix, into);
		prefix.pop_back();
	}
}

} // namespace

void ActionSchemas::checkLiteralInput(const Plugin::Action& action, const std::string& stepId,
	const Poco::Dynamic::Var& with, const NodePath& path, Problems& problems)
{
	const std::string schemaText = action.inputSchema();
	auto validator = _validators.find(schemaText);
	if (validator == _validators.end())
		validator = _validators.emplace(schemaText, std::make_unique<Plugin::SchemaValidator>(schemaText)).first;
	const Poco::Dynamic::Var literal = literalPart(with, parseObject(schemaText));
	for (const auto& problem : validator->second->validate(literal, path.str()))
		problems.addValidatorProblem(problem, "step " + stepId + ": ");
}

std::vector<std::vector<std::string>> ActionSchemas::secretOutputPaths(const Plugin::Action& action)
{
	std::vector<std::vector<std::string>> paths;
	std::vector<std::string> prefix;
	collectSecretPaths(parseObject(action.outputSchema()), prefix, paths);
	return paths;
}

}
} // namespace Falcon::Workflow
