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

bool isSecretProperty(const Poco::JSON::Object::Ptr& property)
{
	return property && property->has("x-secret") && property->get("x-secret").isBoolean()
		&& property->getValue<bool>("x-secret");
}

/// The secret members `value` holds, when it is an object.
std::vector<std::string> secretMembersIn(const ConnectionField& field, const Poco::Dynamic::Var& value)
{
	std::vector<std::string> present;
	const auto object = Plugin::Json::asObject(value);
	for (const auto& member : field.secretMembers)
	{
		if (object && object->has(member)) present.push_back(member);
	}
	return present;
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
		field.secret = isSecretProperty(property);
		const Poco::JSON::Object::Ptr members = property ? property->getObject("properties") : nullptr;
		for (const auto& member : members ? *members : Poco::JSON::Object())
		{
			if (isSecretProperty(Plugin::Json::asObject(member.second))) field.secretMembers.push_back(member.first);
		}
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

bool ConnectionFields::carriesSecret(const std::string& name, const Poco::Dynamic::Var& value) const
{
	const ConnectionField* field = find(name);
	return field && (field->secret || !secretMembersIn(*field, value).empty());
}

std::vector<std::string> ConnectionFields::secretValues(const Poco::JSON::Object::Ptr& connection) const
{
	std::vector<std::string> values;
	if (!connection) return values;
	for (const auto& field : _fields)
	{
		if (!connection->has(field.name)) continue;
		const Poco::Dynamic::Var value = connection->get(field.name);
		if (field.secret && value.isString()) values.push_back(value.toString());
		for (const auto& member : secretMembersIn(field, value))
		{
			const Poco::Dynamic::Var secret = Plugin::Json::asObject(value)->get(member);
			if (secret.isString()) values.push_back(secret.toString());
		}
	}
	return values;
}

Poco::Dynamic::Var ConnectionFields::withMembersMasked(const std::string& name, const Poco::Dynamic::Var& value) const
{
	const ConnectionField* field = find(name);
	const std::vector<std::string> secrets = field ? secretMembersIn(*field, value) : std::vector<std::string>();
	if (secrets.empty()) return value;
	Poco::JSON::Object::Ptr shown = new Poco::JSON::Object(*Plugin::Json::asObject(value));
	for (const auto& member : secrets) shown->set(member, std::string("***"));
	return shown;
}

Poco::Dynamic::Var ConnectionFields::typed(const ConnectionField& field, const std::string& text)
{
	double number = 0;
	if (field.type == "number" && Poco::NumberParser::tryParseFloat(text, number)) return number;
	if (field.type == "integer" && Poco::NumberParser::tryParseFloat(text, number)
		&& number == static_cast<double>(static_cast<long long>(number)))
		return static_cast<Poco::Int64>(number);
	if (field.type == "boolean" && (text == "true" || text == "false")) return text == "true";
	return text;
}

}
} // namespace Falcon::Host
