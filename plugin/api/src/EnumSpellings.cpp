#include "falcon/plugin/EnumSpellings.h"

#include <Poco/Ascii.h>
#include <Poco/JSON/Array.h>

namespace Falcon {
namespace Plugin {

EnumSpellings::EnumSpellings(const Poco::JSON::Object::Ptr& schema)
{
	const Poco::JSON::Object::Ptr properties = schema ? schema->getObject("properties") : nullptr;
	if (!properties) return;
	for (const auto& property : *properties)
	{
		if (property.second.type() != typeid(Poco::JSON::Object::Ptr)) continue;
		const auto definition = property.second.extract<Poco::JSON::Object::Ptr>();
		const auto aliases = definition->getObject("x-aliases");
		const auto values = definition->getArray("enum");
		if (!aliases || !values) continue;
		auto& spellings = _spellings[property.first];
		for (std::size_t i = 0; i < values->size(); ++i)
		{
			const std::string value = values->get(static_cast<unsigned>(i)).toString();
			spellings.emplace(fold(value), value);
		}
		for (const auto& alias : *aliases) spellings.emplace(fold(alias.first), alias.second.toString());
	}
}

std::string EnumSpellings::fold(const std::string& spelling)
{
	std::string folded;
	for (char c : spelling)
	{
		if (c != '-' && c != '_') folded += static_cast<char>(Poco::Ascii::toLower(c));
	}
	return folded;
}

Poco::JSON::Object::Ptr EnumSpellings::canonical(const Poco::JSON::Object::Ptr& object) const
{
	if (!object) return object;
	Poco::JSON::Object::Ptr result = object;
	for (const auto& property : _spellings)
	{
		if (!object->has(property.first) || !object->get(property.first).isString()) continue;
		const std::string given = object->get(property.first).toString();
		const auto found = property.second.find(fold(given));
		if (found == property.second.end() || found->second == given) continue;
		if (result == object) result = new Poco::JSON::Object(*object);
		result->set(property.first, found->second);
	}
	return result;
}

}
} // namespace Falcon::Plugin
