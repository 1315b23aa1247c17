// The connection (asset) object through the plugin's invoke: its schema, the client settings
// made from it, their validation, the session registry.
#include "FuzzPlugin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	auto connection = Falcon::Fuzzing::jsonObject(data, size);
	if (!connection) return 0;
	Falcon::Fuzzing::confine(connection);
	Falcon::Fuzzing::invokeBoth(new Poco::JSON::Object, connection);
	return 0;
}
