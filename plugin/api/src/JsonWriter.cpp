#include "falcon/plugin/JsonWriter.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <vector>

namespace Falcon {
namespace Plugin {
namespace Json {

namespace {

void writeString(const std::string& text, std::string& out)
{
	static const char HEX[] = "0123456789ABCDEF";
	out += '"';
	// Bytes that need no escape are appended a run at a time, not one by one.
	const auto needsEscape = [](char c) { return c == '"' || c == '\\' || (c >= 0 && c < 0x20); };
	const char* run = text.data();
	const char* const end = run + text.size();
	for (const char* at = std::find_if(run, end, needsEscape); at != end; at = std::find_if(run, end, needsEscape))
	{
		out.append(run, at);
		switch (*at)
		{
		case '"': out += "\\\""; break;
		case '\\': out += "\\\\"; break;
		case '\b': out += "\\b"; break;
		case '\f': out += "\\f"; break;
		case '\n': out += "\\n"; break;
		case '\r': out += "\\r"; break;
		case '\t': out += "\\t"; break;
		default:
			out += "\\u00";
			out += HEX[(*at >> 4) & 0xF];
			out += HEX[*at & 0xF];
		}
		run = at + 1;
	}
	out.append(run, end);
	out += '"';
}

void writeObject(const Poco::JSON::Object& object, std::string& out)
{
	// Object::get returns a copy of the value (a string's text and all); the map's own entries
	// are read instead, each found by its name (the map is sorted by name) in the object's order.
	std::vector<const Poco::JSON::Object::ValueType*> entries;
	entries.reserve(object.size());
	for (auto it = object.begin(); it != object.end(); ++it) entries.push_back(&*it);
	const auto byName = [](const Poco::JSON::Object::ValueType* entry, const std::string& name) {
		return entry->first < name;
	};
	out += '{';
	bool first = true;
	for (const std::string& name : object.getNames())
	{
		if (!first) out += ',';
		first = false;
		writeString(name, out);
		out += ':';
		write((*std::lower_bound(entries.begin(), entries.end(), name, byName))->second, out);
	}
	out += '}';
}

void writeArray(const Poco::JSON::Array& array, std::string& out)
{
	out += '[';
	for (auto it = array.begin(); it != array.end(); ++it) // Array::get returns a copy too
	{
		if (it != array.begin()) out += ',';
		write(*it, out);
	}
	out += ']';
}

} // namespace

void write(const Poco::Dynamic::Var& value, std::string& out)
{
	const std::type_info& type = value.type();
	// Strings first: most values are, and std::string's type_info is libstdc++'s own, so the
	// test is a pointer comparison (a type that only looks alike is compared by name).
	if (type == typeid(std::string)) writeString(value.extract<std::string>(), out);
	else if (type == typeid(Poco::JSON::Object::Ptr))
	{
		const auto& object = value.extract<Poco::JSON::Object::Ptr>();
		if (object) writeObject(*object, out);
		else out += "null";
	}
	else if (type == typeid(Poco::JSON::Array::Ptr))
	{
		const auto& array = value.extract<Poco::JSON::Array::Ptr>();
		if (array) writeArray(*array, out);
		else out += "null";
	}
	else if (type == typeid(Poco::JSON::Object)) writeObject(value.extract<Poco::JSON::Object>(), out);
	else if (type == typeid(Poco::JSON::Array)) writeArray(value.extract<Poco::JSON::Array>(), out);
	else if (value.isEmpty()) out += "null";
	// Numbers and booleans as Poco spells them (its shortest round-trip form for doubles); a
	// char, dates and anything else as a string, as Poco's stringify does.
	else if ((value.isNumeric() || value.isBoolean()) && type != typeid(char)) out += value.convert<std::string>();
	else writeString(value.convert<std::string>(), out);
}

}
}
} // namespace Falcon::Plugin::Json
