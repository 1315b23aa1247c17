#include "FalconHost.h"

#include "BoundedRead.h"
#include "HostError.h"
#include "JsonText.h"
#include "QuotedText.h"

#include "falcon/plugin/EnumSpellings.h"
#include "falcon/plugin/SchemaValidator.h"

#include <Poco/ConsoleChannel.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FormattingChannel.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/PatternFormatter.h>
#include <Poco/String.h>

#include <unistd.h>

#include <chrono>
#include <iostream>

namespace Falcon {
namespace Host {

namespace {

constexpr int OK = 0;
constexpr int API_FAILED = 1;

} // namespace

int FalconHost::run()
{
	try
	{
		const int status = dispatch(_arguments);
		// A result that did not reach its reader (a full disk, a closed pipe) is no success.
		std::cout.flush();
		if (!std::cout) throw HostError("cannot write the result to standard output", HostError::OUTPUT_FAILED);
		return status;
	}
	catch (const HostError& e)
	{
		std::cerr << "falcon-host: " << e.what() << "\n";
		return e.exitStatus();
	}
	catch (const Plugin::PluginLoadException& e)
	{
		std::cerr << "falcon-host: " << e.message() << "\n";
		return HostError::USAGE;
	}
	catch (const Poco::Exception& e)
	{
		std::cerr << "falcon-host: " << e.displayText() << "\n";
		return HostError::USAGE;
	}
}

int FalconHost::dispatch(const std::vector<std::string>& arguments)
{
	const std::string command = arguments.empty() ? "" : arguments.front();
	if (_version) return version();
	if (command == "help") return help(arguments.size() > 1 ? arguments[1] : "");
	if (_help || command.empty()) return help(command);
	if (!_output.empty() && _output != "pretty" && _output != "compact")
		throw HostError("--output: expected pretty or compact, got " + quoted(_output));
	if (_haveInput && !_inputFile.empty()) throw HostError("--input and --input-file: give one of them, not both");
	setUpLogging();
	loadPlugins();

	// Layered once: defaults (in the schema) < file < environment < flags; secrets last. The
	// fields are those of the plugin's connection schema.
	_configuration = HostConfiguration(ConnectionFields(connectionSchema()));
	// A command line runs one process per call: without a shared store each would mint its own.
	_configuration.setHostDefault("token_cache", "file");
	if (!_configFile.empty()) _configuration.loadFile(_configFile);
	_configuration.loadEnvironment();
	for (const auto& flag : _flags) _configuration.setFlag(flag.first, flag.second);
	if (!_secretFile.empty()) _configuration.loadSecretFile(_secretFile);
	if (_secretFromStdin) _configuration.loadSecretFromStdin();

	const std::vector<std::string> rest(arguments.begin() + 1, arguments.end());
	if (command == "config") return showConfig();
	if (command == "list") return list();
	if (command == "describe") return describe(rest);
	if (command == "run") return runAction(rest);
	if (command == "test-connection") return testConnection();
	if (command == "workflow") return workflow(rest);
	throw HostError(
		"unknown command " + quoted(command) + " (list, describe, run, test-connection, config, workflow; see --help)");
}

void FalconHost::setUpLogging()
{
	Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(
		new Poco::PatternFormatter("%H:%M:%S.%i %p %s: %t"), new Poco::ConsoleChannel(std::cerr)));
	const int level = _debug ? Poco::Message::PRIO_DEBUG : (_quiet ? 0 : Poco::Message::PRIO_WARNING);
	for (const char* name : {"falcon.host", "falcon.oauth2"})
	{
		Poco::Logger& logger = Poco::Logger::get(name);
		logger.setChannel(channel);
		logger.setLevel(level);
	}
}

void FalconHost::loadPlugins()
{
	std::vector<std::string> modules;
	std::string path = _pluginPath;
	if (path.empty())
	{
		// Installed: bin/falcon-host beside lib*/falcon-plugins/. Build tree: the build's module,
		// found relative to falcon-host (no binary holds the path of the tree it was built in).
		const Poco::Path executable(_executableDirectory);
		for (const std::string& candidate : {Poco::Path(executable).parent().append("lib/falcon-plugins").toString(),
				 Poco::Path(executable).parent().append(FALCON_INSTALL_MODULE_DIR).toString(),
				 Poco::Path(executable).append(FALCON_BUILD_MODULE_DIR_RELATIVE).toString()})
		{
			if (Poco::File(candidate).exists())
			{
				path = candidate;
				break;
			}
		}
		if (path.empty()) throw HostError("no plugin found beside falcon-host; give one with --plugin PATH");
	}
	if (!Poco::File(path).exists()) throw HostError("--plugin " + path + ": no such file or directory");
	if (Poco::File(path).isDirectory())
	{
		for (Poco::DirectoryIterator it(path), end; it != end; ++it)
		{
			if (it->isFile() && Poco::Path(it.name()).getExtension() == "so") modules.push_back(it->path());
		}
		std::sort(modules.begin(), modules.end());
		if (modules.empty()) throw HostError("--plugin " + path + ": no modules (*.so) in this directory");
	}
	else
	{
		modules.push_back(path);
	}
	for (const auto& module : modules)
	{
		auto loader = std::make_unique<Plugin::PluginLoader>();
		loader->load(module);
		Poco::Logger::get("falcon.host").debug("loaded " + module);
		_plugins.push_back(std::move(loader));
	}
}

const Plugin::Action& FalconHost::action(const std::string& name) const
{
	for (const auto& plugin : _plugins)
	{
		if (const Plugin::Action* found = plugin->find(name)) return *found;
	}
	std::vector<std::string> known;
	for (const auto& plugin : _plugins)
	{
		for (const auto& action : plugin->actions())
			known.push_back(action->operationId() + " (" + action->alias() + ")");
	}
	throw HostError("unknown action " + quoted(name) + "; the plugin offers "
		+ Poco::cat(std::string(", "), known.begin(), known.end()));
}

void FalconHost::print(const Poco::Dynamic::Var& value) const
{
	const bool pretty = _output.empty() ? ::isatty(STDOUT_FILENO) == 1 : _output == "pretty";
	std::cout << jsonText(value, pretty) << std::endl;
}

int FalconHost::list()
{
	for (const auto& plugin : _plugins)
	{
		const auto info = plugin->description()->getObject("plugin");
		std::cout << info->getValue<std::string>("name") << " " << info->getValue<std::string>("version")
				  << " (plugin API " << info->getValue<int>("api_version") << ") " << plugin->path() << "\n";
		for (const auto& action : plugin->actions())
			std::cout << "  " << action->operationId() << "  " << action->alias() << "  " << action->description()
					  << "\n";
	}
	return OK;
}

int FalconHost::describe(const std::vector<std::string>& arguments)
{
	if (_connectionSchema)
	{
		if (!arguments.empty()) throw HostError("describe --connection takes no action name");
		print(_plugins.front()->description()->get("connection_schema"));
		return OK;
	}
	if (arguments.size() != 1) throw HostError("describe needs one action name (or --connection)");
	const Plugin::Action& found = action(arguments.front());
	Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
	Poco::JSON::Object::Ptr description = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	description->set("operation_id", found.operationId());
	description->set("alias", found.alias());
	description->set("description", found.description());
	description->set("input_schema", parser.parse(found.inputSchema()));
	parser.reset();
	description->set("output_schema", parser.parse(found.outputSchema()));
	print(description);
	return OK;
}

Poco::JSON::Object::Ptr FalconHost::connectionSchema() const
{
	return _plugins.front()->description()->getObject("connection_schema");
}

void FalconHost::refuseProblems(const std::string& what, const std::vector<std::string>& problems)
{
	if (!problems.empty())
		throw HostError(what + "\n  " + Poco::cat(std::string("\n  "), problems.begin(), problems.end()));
}

Poco::JSON::Object::Ptr FalconHost::validatedConnection()
{
	// The plugin's spellings: "--cloud US2" is us-2, as the plugin itself would read it.
	const Poco::JSON::Object::Ptr connection =
		Plugin::EnumSpellings(connectionSchema()).canonical(_configuration.connection());
	// The module's own text of it: the module checks the connection again with the same
	// compilation.
	refuseProblems("the connection is not valid:",
		Plugin::SchemaValidator::shared(_plugins.front()->connectionSchemaText())->validate(connection, "connection"));
	return connection;
}

Poco::JSON::Object::Ptr FalconHost::readInput() const
{
	std::string text;
	std::string source;
	if (_haveInput)
	{
		text = _inputText;
		source = "--input";
	}
	else if (!_inputFile.empty())
	{
		source = "--input-file " + _inputFile;
		text = readRegularFile(_inputFile, MAX_DOCUMENT_BYTES, source);
	}
	else
	{
		if (_secretFromStdin)
			throw HostError("--client-secret-stdin takes stdin: give the input with --input or --input-file");
		source = "stdin";
		// Nobody is typing an input at a terminal: no --input means no input, as for the token action.
		if (::isatty(STDIN_FILENO) != 1) text = readStream(std::cin, MAX_DOCUMENT_BYTES, source);
		if (text.find_first_not_of(" \t\r\n") == std::string::npos) text = "{}";
	}
	const Poco::JSON::Object::Ptr input = parseJsonObject(text, source);
	if (!input) throw HostError(source + ": the input must be a JSON object");
	return input;
}

Plugin::ActionResult FalconHost::invoke(
	const Plugin::Action& action, const Poco::JSON::Object::Ptr& input, const Poco::JSON::Object::Ptr& connection)
{
	const auto deadline = Plugin::ActionContext::deadlineAfter(Plugin::ActionContext::callTimeoutOf(connection));
	const Plugin::ActionContext context(connection, Poco::Logger::get("falcon.oauth2"), deadline);
	return action.invoke(input, context);
}

int FalconHost::runAction(const std::vector<std::string>& arguments)
{
	if (arguments.size() != 1) throw HostError("run needs one action name, e.g. falcon-host run oauth2AccessToken");
	const Plugin::Action& found = action(arguments.front());
	const Poco::JSON::Object::Ptr input = readInput();
	refuseProblems("the input of " + found.operationId() + " is not valid:",
		Plugin::SchemaValidator::shared(found.inputSchema())->validate(input, "input"));
	const Poco::JSON::Object::Ptr connection = validatedConnection();
	const Plugin::ActionResult result = invoke(found, input, connection);
	print(result.output());
	if (result.ok()) return OK;
	// The module says when it refused the call for its input or connection: a usage error.
	return result.rejectedInput() ? HostError::USAGE : API_FAILED;
}

int FalconHost::testConnection()
{
	const Poco::JSON::Object::Ptr connection = validatedConnection();
	const Plugin::Action& token = action("oauth2AccessToken");
	// First as any run would: the report says whether the token cache served it (and so that the
	// cache works). A token from the cache proves nothing about the cloud, the CA bundle or the
	// proxy: then a token of its own is minted (never shared) and revoked again.
	auto started = std::chrono::steady_clock::now();
	Plugin::ActionResult result = invoke(token, new Poco::JSON::Object, connection);
	const std::string source = result.output()->optValue<std::string>("source", "api");
	bool probed = false;
	if (result.ok() && source != "api")
	{
		Poco::JSON::Object::Ptr forced = new Poco::JSON::Object;
		forced->set("force", true);
		started = std::chrono::steady_clock::now();
		result = invoke(token, forced, connection);
		probed = true;
	}
	const auto latency = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
	if (probed && result.ok())
	{
		Poco::JSON::Object::Ptr revoke = new Poco::JSON::Object;
		revoke->set("token", result.output()->getObject("body")->getValue<std::string>("access_token"));
		invoke(action("oauth2RevokeToken"), revoke, connection);
	}

	const auto headers = result.output()->getObject("headers");
	auto header = [&](const std::string& name) {
		for (const auto& entry : *headers)
		{
			if (Poco::icompare(entry.first, name) == 0) return entry.second.toString();
		}
		return std::string();
	};
	Poco::JSON::Object::Ptr report = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	report->set("ok", result.ok());
	report->set("status_code", result.statusCode());
	report->set("source", source);
	if (result.ok()) report->set("cloud", header("X-Cs-Region"));
	report->set("latency_ms", std::round(latency * 10) / 10);
	if (result.ok()) report->set("trace_id", header("X-Cs-Traceid"));
	if (!result.ok()) report->set("error", result.output()->get("error"));
	print(report);
	return result.ok() ? OK : API_FAILED;
}

int FalconHost::showConfig()
{
	print(_configuration.describe(connectionSchema()));
	return OK;
}

}
} // namespace Falcon::Host
