// Action inputs through the plugin's invoke: schema validation, both input styles, the call.
#include "FuzzPlugin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static const Poco::JSON::Object::Ptr connection = Falcon::Fuzzing::nowhereConnection();
	if (auto input = Falcon::Fuzzing::jsonObject(data, size)) Falcon::Fuzzing::invokeBoth(input, connection);
	return 0;
}
