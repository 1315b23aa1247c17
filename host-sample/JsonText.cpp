#include "JsonText.h"

#include "HostError.h"

#include <Poco/JSON/Parser.h>

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

}} // namespace Falcon::Host
