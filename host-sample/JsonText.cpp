#include "JsonText.h"

#include "HostError.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/RegularExpression.h>

#include <sstream>

namespace Falcon {
namespace Host {

Poco::JSON::Object::Ptr parseJsonObject(const std::string& text, const std::string& what)
{
	try
	{
		Poco::JSON::Parser parser;
		const Poco::Dynamic::Var value = parser.parse(text);
		return value.type() == typeid(Poco::JSON::Object::Ptr) ? value.extract<Poco::JSON::Object::Ptr>() : nullptr;
	}
	catch (const Poco::Exception& e)
	{
		throw HostError(what + ": not valid JSON (" + e.message().substr(0, e.message().find(':')) + ")");
	}
}

std::string jsonText(const Poco::Dynamic::Var& value, bool pretty)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::stringify(value, out, pretty ? 2 : 0);
	std::string text = out.str();
	if (!pretty) return text;
	// A bracket, a line break and blanks up to its partner: an empty container. (JSON strings
	// hold no raw line break, so this never matches inside one.)
	static const Poco::RegularExpression emptyArray("\\[\\n\\s*\\]");
	static const Poco::RegularExpression emptyObject("\\{\\n\\s*\\}");
	emptyArray.subst(text, "[]", Poco::RegularExpression::RE_GLOBAL);
	emptyObject.subst(text, "{}", Poco::RegularExpression::RE_GLOBAL);
	return text;
}

}
} // namespace Falcon::Host
