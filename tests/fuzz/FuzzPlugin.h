#pragma once

#include "falcon/plugin/PluginLoader.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace Falcon {
namespace Fuzzing {

/// The plugin module, loaded once per fuzzing process, the way a host loads it.
inline const Plugin::PluginLoader& plugin()
{
	static Plugin::PluginLoader* loader = [] {
		Poco::Logger::root().setLevel(Poco::Message::PRIO_FATAL); // a fuzzer's millions of calls would flood stderr
		auto* loaded = new Plugin::PluginLoader;
		loaded->load(FALCON_PLUGIN_MODULE);
		return loaded;
	}();
	return *loader;
}

/// Whatever the connection says, no request leaves the machine: every HTTPS call goes through a
/// "proxy" on a closed loopback port (refused at once), and plain http is made https so that
/// it takes the same way.
inline void confine(Poco::JSON::Object::Ptr connection)
{
	connection->set("proxy", "http://127.0.0.1:9");
	if (connection->has("base_url") && connection->get("base_url").isString())
	{
		std::string url = connection->getValue<std::string>("base_url");
		if (url.size() >= 7 && Poco::icompare(url.substr(0, 7), "http://") == 0) url = "https://" + url.substr(7);
		connection->set("base_url", url);
	}
}

/// A well-formed connection to nowhere.
inline Poco::JSON::Object::Ptr nowhereConnection()
{
	Poco::JSON::Object::Ptr connection = new Poco::JSON::Object;
	connection->set("base_url", "https://127.0.0.1:9");
	connection->set("client_id", "fuzzclient0123456789abcdef012345");
	connection->set("client_secret", "fuzz-secret");
	connection->set("max_retries", 0);
	confine(connection);
	return connection;
}

/// invoke() must hand back a result for any input: an exception escaping it fails the fuzzer.
inline void invokeBoth(const Poco::JSON::Object::Ptr& input, const Poco::JSON::Object::Ptr& connection)
{
	const Plugin::ActionContext context(
		connection, Poco::Logger::get("fuzz"), Plugin::ActionContext::Clock::now() + std::chrono::seconds(2));
	for (const char* action : {"token", "revoke"})
	{
		const Plugin::ActionResult result = plugin().find(action)->invoke(input, context);
		if (!result.ok() && result.errorKind().empty()) std::abort(); // a failure must say what kind it is
	}
}

/// The fuzz input as a JSON object, or null when it is not one (the host refuses those itself).
inline Poco::JSON::Object::Ptr jsonObject(const uint8_t* data, size_t size)
{
	try
	{
		Poco::JSON::Parser parser;
		const Poco::Dynamic::Var parsed = parser.parse(std::string(reinterpret_cast<const char*>(data), size));
		return parsed.type() == typeid(Poco::JSON::Object::Ptr) ? parsed.extract<Poco::JSON::Object::Ptr>() : nullptr;
	}
	catch (const Poco::Exception&)
	{
		return nullptr;
	}
}

}
} // namespace Falcon::Fuzzing
