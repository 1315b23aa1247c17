// Schema documents (a plugin's schemas are read by every host that loads it): the reference
// and pattern guards, valijson's schema parser, and validation of a few documents against
// whatever compiled.
#include "falcon/plugin/SchemaValidator.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static const Poco::Dynamic::Var documents[] = {
		Poco::JSON::Parser().parse(
			R"({"client_id": "c", "client_secret": "s", "nested": {"list": [1, "two", null, {"x": true}]}})"),
		Poco::JSON::Parser().parse(R"(["a", 1.5, -3, false, {}])"),
		Poco::Dynamic::Var(std::string(20000, 'a')),
		Poco::Dynamic::Var(),
	};
	try
	{
		const Falcon::Plugin::SchemaValidator validator(
			std::string(reinterpret_cast<const char*>(data), size), [](const std::string&) { return std::string(); });
		for (const auto& document : documents)
		{
			for (const auto& problem : validator.validate(document, "value"))
			{
				if (problem.rfind("value", 0) != 0) std::abort(); // every problem names its path
			}
		}
	}
	catch (const Poco::DataFormatException&)
	{
		// refused with a message: not JSON, or a schema that cannot be used
	}
	return 0;
}
