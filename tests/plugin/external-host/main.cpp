// Loads the installed module, lists its actions, checks its schemas against the installed
// files, and invokes the token action with a connection that lacks its secret: the module
// must refuse it (400, invalid_input) without touching the network.

#include "falcon/plugin/PluginLoader.h"
#include "falcon/plugin/SchemaValidator.h"

#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/StreamCopier.h>

#include <iostream>

int main()
{
	try
	{
		Falcon::Plugin::PluginLoader plugin;
		plugin.load(MODULE_PATH);
		for (const auto& action : plugin.actions())
		{
			Poco::FileInputStream in(std::string(SCHEMA_DIR) + "/" + action->operationId() + ".input.schema.json");
			std::string installed;
			Poco::StreamCopier::copyToString(in, installed);
			std::cout << action->operationId() << " " << action->alias()
					  << (installed == action->inputSchema() ? " schema-ok" : " schema-differs") << "\n";
		}
		Poco::JSON::Object::Ptr connection = new Poco::JSON::Object;
		connection->set("client_id", "someone");
		Poco::JSON::Object::Ptr input = new Poco::JSON::Object;
		const Falcon::Plugin::ActionContext context(
			connection, Poco::Logger::get("external"), std::chrono::steady_clock::now() + std::chrono::seconds(5));
		{
			const Falcon::Plugin::ActionResult result = plugin.find("token")->invoke(input, context);
			std::cout << "token " << result.statusCode() << " " << result.errorKind() << "\n";
		}
		plugin.unload();
		return 0;
	}
	catch (const Poco::Exception& e)
	{
		std::cerr << "external-host: " << e.displayText() << "\n";
		return 1;
	}
}
