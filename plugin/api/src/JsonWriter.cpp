#include "falcon/plugin/JsonWriter.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace Falcon {
namespace Plugin {
namespace Json {

namespace {

void writeString(const std::string& text, std::string& out)
{
	static const char HEX[] = "0123456789ABCDEF";
	out += '"';
	for (const char c : text)
	{
		switch (c)
		{
		case '"': out += "\\\""; break;
		case '\\': out += "\\\\"; break;
		case '\b': out += "\\b"; break;
		case '\f': out += "\\f"; break;
		case '\n': out += "\\n"; break;
		case '\r': out += "\\r"; break;
		case '\t': out += "\\t"; break;
		default:
			if (c >= 0 && c < 0x20)
			{
				out += "\\u00";
				out += HEX[(c >> 4) & 0xF];
				out += HEX[c & 0xF];
			}
			else out += c;
		}
	}
	out += '"';
}

void writeObject(const Poco::JSON::Object& object, std::string& out)
{
	out += '{';
	bool first = true;
	for (const std::string& name : object.getNames())
	{
		if (!first) out += ',';
		first = false;
		writeString(name, out);
		out += ':';
		write(object.get(name), out);
	}
	out += '}';
}

void writeArray(const Poco::JSON::Array& array, std::string& out)
{
	out += '[';
	for (std::size_t i = 0; i < array.size(); ++i)
	{
		if (i) out += ',';
		write(array.get(static_cast<unsigned>(i)), out);
	}
	out += ']';
}

} // namespace

void write(const Poco::Dynamic::Var& value, std::string& out)
{
	const std::type_info& type = value.type();
	if (type == typeid(Poco::JSON::Object::Ptr))
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
	else if (type == typeid(std::string)) writeString(value.extract<std::string>(), out);
	// Numbers and booleans as Poco spells them (its shortest round-trip form for doubles); a
	// char, dates and anything else as a string, as Poco's stringify does.
	else if ((value.isNumeric() || value.isBoolean()) && type != typeid(char)) out += value.convert<std::string>();
	else writeString(value.convert<std::string>(), out);
}

}
}
} // namespace Falcon::Plugin::Json
