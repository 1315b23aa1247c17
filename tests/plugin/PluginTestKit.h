#pragma once

#include "FalconEmulator.h"

#include "falcon/plugin/SchemaValidator.h"

#include <Poco/FileStream.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>

#include <memory>
#include <string>

namespace Falcon {
namespace Testing {

inline const std::string PLUGIN_CLIENT = "pluginclient0123456789abcdef0123";
inline const std::string PLUGIN_SECRET = "plugin/Secret+value=1";

/// An emulator (us-1, us-2) knowing one API client, for the plugin suites.
inline std::unique_ptr<Emulator::FalconEmulator> startEmulator(
	std::chrono::seconds expiresIn = std::chrono::seconds(1799), bool tls = true)
{
	Emulator::EmulatorOptions options;
	options.tls = tls;
	options.clouds = {"us-1", "us-2"};
	options.clients.add({PLUGIN_CLIENT, PLUGIN_SECRET, "us-1", {"abcdef0123456789abcdef0123456789"}, {}});
	options.expiresIn = expiresIn;
	auto emulator = std::make_unique<Emulator::FalconEmulator>(options);
	emulator->start();
	return emulator;
}

/// The connection a host would hand in for that emulator.
inline Poco::JSON::Object::Ptr connectionFor(const Emulator::FalconEmulator& emulator)
{
	Poco::JSON::Object::Ptr connection = new Poco::JSON::Object;
	connection->set("base_url", emulator.baseUrl("us-1"));
	connection->set("client_id", PLUGIN_CLIENT);
	connection->set("client_secret", PLUGIN_SECRET);
	if (!emulator.caFile().empty()) connection->set("ca_bundle", emulator.caFile());
	connection->set("call_timeout_s", 10);
	return connection;
}

inline Poco::JSON::Object::Ptr jsonObject(const std::string& text)
{
	Poco::JSON::Parser parser;
	return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

inline std::string readFile(const std::string& path)
{
	Poco::FileInputStream in(path);
	std::string text;
	Poco::StreamCopier::copyToString(in, text);
	return text;
}

/// A file of schema/ as the source tree has it.
inline std::string schemaFile(const std::string& name)
{
	return readFile(Poco::Path(FALCON_SCHEMA_DIR, name).toString());
}

/// A validator for a schema of schema/, resolving its references there.
inline std::unique_ptr<Plugin::SchemaValidator> schemaValidator(const std::string& name)
{
	return std::make_unique<Plugin::SchemaValidator>(
		schemaFile(name), [](const std::string& ref) { return schemaFile(ref); });
}

}
} // namespace Falcon::Testing
