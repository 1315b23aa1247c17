#include "ConnectionFields.h"

#include "falcon/plugin/JsonValues.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>

namespace Falcon {
namespace Host {

namespace {

/// The first type a property allows other than null.
std::string typeOf(const Poco::JSON::Object::Ptr& property)
{
	if (!property || !property->has("type")) return "string";
	const Poco::Dynamic::Var type = property->get("type");
	if (type.isString()) return type.toString();
	if (const auto types = Plugin::Json::asArray(type))
	{
		for (const auto& entry : *types)
		{
			if (entry.isString() && entry.toString() != "null") return entry.toString();
		}
	}
	return "string";
}

} // namespace

ConnectionFields::ConnectionFields(const Poco::JSON::Object::Ptr& connectionSchema)
{
	const Poco::JSON::Object::Ptr properties = connectionSchema ? connectionSchema->getObject("properties") : nullptr;
	if (!properties) return;
	for (const auto& entry : *properties)
	{
		const Poco::JSON::Object::Ptr property = Plugin::Json::asObject(entry.second);
		ConnectionField field;
		field.name = entry.first;
		field.type = typeOf(property);
		field.secret = property && property->has("x-secret") && property->get("x-secret").isBoolean() && property->getValue<bool>("x-secret");
		field.environmentVariable = "FALCON_" + Poco::toUpper(entry.first);
		_fields.push_back(std::move(field));
	}
}

const ConnectionField* ConnectionFields::find(const std::string& name) const
{
	for (const auto& field : _fields)
	{
		if (field.name == name) return &field;
	}
	return nullptr;
}

bool ConnectionFields::isSecret(const std::string& name) const
{
	const ConnectionField* field = find(name);
	return field && field->secret;
}

std::vector<std::string> ConnectionFields::secretNames() const
{
	std::vector<std::string> names;
	for (const auto& field : _fields)
	{
		if (field.secret) names.push_back(field.name);
	}
	return names;
}

Poco::Dynamic::Var ConnectionFields::typed(const ConnectionField& field, const std::string& text)
{
	double number = 0;
	if (field.type == "number" && Poco::NumberParser::tryParseFloat(text, number)) return number;
	if (field.type == "integer" && Poco::NumberParser::tryParseFloat(text, number) && number == static_cast<double>(static_cast<long long>(number)))
		return static_cast<Poco::Int64>(number);
	if (field.type == "boolean" && (text == "true" || text == "false")) return text == "true";
	return text;
}

}} // namespace Falcon::Host
