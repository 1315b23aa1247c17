#pragma once

#include "HostConfiguration.h"

#include "falcon/plugin/PluginLoader.h"

#include <Poco/JSON/Object.h>

#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Host {

/// falcon-host: loads the plugin, validates, runs single actions.
///
///   falcon-host [OPTIONS] list | describe ACTION | describe --connection | run ACTION |
///               test-connection | config
class FalconHost
{
public:
	/// Reads the command line (argv[0] tells where falcon-host is); throws HostError on a mistake
	/// in it.
	void init(int argc, char** argv);
	/// Runs the command it names; returns the exit status.
	int run();

private:
	void handleOption(const std::string& name, const std::string& value);
	int dispatch(const std::vector<std::string>& arguments);
	int list();
	int describe(const std::vector<std::string>& arguments);
	int runAction(const std::vector<std::string>& arguments);
	int testConnection();
	int showConfig();
	int workflow(const std::vector<std::string>& arguments);
	int help(const std::string& command);
	/// --version: falcon-host's, the plugin API's, Poco's and OpenSSL's.
	static int version();

	void loadPlugins();
	void setUpLogging();
	Poco::JSON::Object::Ptr connectionSchema() const;
	Poco::JSON::Object::Ptr validatedConnection();
	static void refuseProblems(const std::string& what, const std::vector<std::string>& problems);
	const Plugin::Action& action(const std::string& name) const;
	Poco::JSON::Object::Ptr readInput() const;
	Poco::JSON::Object::Ptr readWorkflowInputs() const;
	void print(const Poco::Dynamic::Var& value) const;
	Plugin::ActionResult invoke(
		const Plugin::Action& action, const Poco::JSON::Object::Ptr& input, const Poco::JSON::Object::Ptr& connection);

	std::vector<std::string> _arguments; ///< the words that are not options: the command and its own
	std::string _executableDirectory;
	HostConfiguration _configuration;
	std::vector<std::unique_ptr<Plugin::PluginLoader>> _plugins;
	std::string _pluginPath;
	std::string _configFile;
	std::string _secretFile;
	bool _secretFromStdin = false;
	std::string _inputText;
	std::string _inputFile;
	bool _haveInput = false;
	std::string _output; ///< "pretty", "compact", or "" (by terminal)
	bool _help = false;
	bool _debug = false;
	bool _version = false;
	bool _quiet = false;
	bool _connectionSchema = false;
	bool _revealOutputs = false;
	std::vector<std::pair<std::string, std::string>> _flags;
};

}
} // namespace Falcon::Host
