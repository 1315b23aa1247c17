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
#include <Poco/Util/HelpFormatter.h>

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <sstream>

using Poco::Util::Option;
using Poco::Util::OptionSet;

namespace Falcon {
namespace Host {

namespace {

constexpr int OK = 0;
constexpr int API_FAILED = 1;

const char* const USAGE =
	"[OPTIONS] COMMAND\n\n"
	"Commands:\n"
	"  list                      the loaded plugin(s) and their actions\n"
	"  describe ACTION           an action's input and output schemas (operation ID or alias)\n"
	"  describe --connection     the connection schema\n"
	"  run ACTION                run an action; input from --input, --input-file or stdin\n"
	"  test-connection           mint a token with the connection; report cloud, latency, trace ID\n"
	"  config                    the connection settings and where each came from (secrets masked)\n"
	"  workflow run FILE.yaml    run a workflow (inputs with --input); workflow check FILE.yaml only checks it\n\n"
	"Exit status: 0 success, 1 the API or network call failed, 2 usage, configuration or validation error,\n"
	"74 the result could not be written to standard output.";

const std::map<std::string, std::string> COMMAND_HELP{
	{"list", "falcon-host list\n  Lists the loaded plugin(s) and their actions: operation ID, alias, description."},
	{"describe", "falcon-host describe ACTION | describe --connection\n  Prints an action's input and output schemas, or the connection schema."},
	{"run", "falcon-host run ACTION [--input JSON | --input-file FILE] [--output pretty|compact]\n"
		"  Validates the input (and the connection) against the action's schemas, runs it, prints the result.\n"
		"  Without --input or --input-file the input is read from stdin. Exit 0 when the API call succeeded,\n"
		"  1 when the API or network failed (the error object is printed), 2 for usage or validation errors."},
	{"test-connection", "falcon-host test-connection\n  Mints a token with the configured connection and reports the cloud, latency and trace ID\n"
		"  (never the token). Exit 0 when the connection works, 1 when it does not."},
	{"workflow", "falcon-host workflow run FILE.yaml [--input JSON] [--reveal-outputs] | workflow check FILE.yaml\n"
		"  Checks the whole file first (YAML, schema, actions, references, expressions, literal inputs) and reports\n"
		"  every problem at once (exit 2). Runs the steps with progress on stderr, prints the run record (secrets\n"
		"  masked) on stdout. Exit 0 when the workflow succeeded, 1 when a step failed it or it was interrupted.\n"
		"  SIGINT stops new steps but lets always() cleanup steps run."},
	{"config", "falcon-host config\n  Prints the connection settings after layering (defaults < --config file < environment < flags),\n"
		"  with where each value came from. Secrets are shown as ***."},
};

/// Flag name -> connection field.
const std::vector<std::pair<std::string, std::string>> CONNECTION_FLAGS{
	{"cloud", "cloud"}, {"base-url", "base_url"}, {"client-id", "client_id"}, {"client-secret", "client_secret"},
	{"member-cid", "member_cid"}, {"ca-bundle", "ca_bundle"}, {"proxy", "proxy"}, {"timeout", "call_timeout_s"},
	{"user-agent", "user_agent"}};

} // namespace

void FalconHost::defineOptions(OptionSet& options)
{
	options.addOption(Option("help", "h", "show help (with a command: that command's help)"));
	options.addOption(Option("plugin", "", "plugin module, or a directory of modules (default: the one installed beside falcon-host)").argument("PATH"));
	options.addOption(Option("config", "", "configuration file: INI with a [falcon] section, or JSON with a \"falcon\" object").argument("FILE"));
	options.addOption(Option("cloud", "", "Falcon cloud: us-1, us-2, us-3, eu-1, us-gov-1, us-gov-2 (FALCON_CLOUD)").argument("NAME"));
	options.addOption(Option("base-url", "", "custom API base URL (FALCON_BASE_URL)").argument("URL"));
	options.addOption(Option("client-id", "", "API client ID (FALCON_CLIENT_ID)").argument("ID"));
	options.addOption(Option("client-secret", "", "refused: use FALCON_CLIENT_SECRET, --client-secret-file or --client-secret-stdin").argument("SECRET"));
	options.addOption(Option("client-secret-file", "", "read the client secret from FILE (must be private: chmod 600)").argument("FILE"));
	options.addOption(Option("client-secret-stdin", "", "read the client secret from the first line of stdin"));
	options.addOption(Option("member-cid", "", "MSSP child CID to act for (FALCON_MEMBER_CID)").argument("CID"));
	options.addOption(Option("ca-bundle", "", "PEM file of CAs to trust instead of the system's (FALCON_CA_BUNDLE)").argument("FILE"));
	options.addOption(Option("proxy", "", "HTTP proxy http://host:port; credentials only through HTTPS_PROXY or --config").argument("URL"));
	options.addOption(Option("insecure", "", "do not verify TLS certificates (testing only; logs a warning)"));
	options.addOption(Option("timeout", "", "seconds a whole call may take (default 60)").argument("SECONDS"));
	options.addOption(Option("user-agent", "", "your product token, e.g. acme-soar/2.1").argument("AGENT"));
	options.addOption(Option("input", "", "run: the action's input as JSON").argument("JSON"));
	options.addOption(Option("input-file", "", "run: read the action's input from FILE").argument("FILE"));
	options.addOption(Option("output", "", "pretty or compact JSON (default: pretty on a terminal, compact otherwise)").argument("FORMAT"));
	options.addOption(Option("connection", "", "describe: the connection schema"));
	options.addOption(Option("reveal-outputs", "", "workflow run: print secret workflow outputs in clear"));
	options.addOption(Option("debug", "", "log requests and responses to stderr (secrets redacted)"));
	options.addOption(Option("quiet", "q", "print only results"));
}

void FalconHost::handleOption(const std::string& name, const std::string& value)
{
	Application::handleOption(name, value);
	if (name == "help") _help = true;
	else if (name == "plugin") _pluginPath = value;
	else if (name == "config") _configFile = value;
	else if (name == "client-secret-file") _secretFile = value;
	else if (name == "client-secret-stdin") _secretFromStdin = true;
	else if (name == "insecure") _flags.emplace_back("verify_tls", "false");
	else if (name == "input") { _inputText = value; _haveInput = true; }
	else if (name == "input-file") _inputFile = value;
	else if (name == "output") _output = value;
	else if (name == "connection") _connectionSchema = true;
	else if (name == "reveal-outputs") _revealOutputs = true;
	else if (name == "debug") _debug = true;
	else if (name == "quiet") _quiet = true;
	else
	{
		for (const auto& flag : CONNECTION_FLAGS)
		{
			if (flag.first == name) _flags.emplace_back(flag.second, value);
		}
	}
}

int FalconHost::main(const std::vector<std::string>& arguments)
{
	try
	{
		const int status = dispatch(arguments);
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
	if (command == "help") return help(arguments.size() > 1 ? arguments[1] : "");
	if (_help || command.empty()) return help(command);
	if (!_output.empty() && _output != "pretty" && _output != "compact")
		throw HostError("--output: expected pretty or compact, got " + quoted(_output));
	if (_haveInput && !_inputFile.empty()) throw HostError("--input and --input-file: give one of them, not both");
	setUpLogging();

	// Layered once: defaults (in the schema) < file < environment < flags; secrets last.
	if (!_configFile.empty()) _configuration.loadFile(_configFile);
	_configuration.loadEnvironment();
	for (const auto& flag : _flags) _configuration.setFlag(flag.first, flag.second);
	if (!_secretFile.empty()) _configuration.loadSecretFile(_secretFile);
	if (_secretFromStdin) _configuration.loadSecretFromStdin();

	const std::vector<std::string> rest(arguments.begin() + 1, arguments.end());
	loadPlugins();
	if (command == "config") return showConfig();
	if (command == "list") return list();
	if (command == "describe") return describe(rest);
	if (command == "run") return runAction(rest);
	if (command == "test-connection") return testConnection();
	if (command == "workflow") return workflow(rest);
	throw HostError("unknown command " + quoted(command) + " (list, describe, run, test-connection, config, workflow; see --help)");
}

int FalconHost::help(const std::string& command)
{
	if (!command.empty())
	{
		const auto it = COMMAND_HELP.find(command);
		if (it == COMMAND_HELP.end()) throw HostError("unknown command " + quoted(command) + " (see --help)");
		std::cout << it->second << "\n\nOptions that apply: see falcon-host --help.\n";
		return OK;
	}
	Poco::Util::HelpFormatter formatter(options());
	formatter.setCommand("falcon-host");
	formatter.setUsage(USAGE);
	formatter.setHeader("Runs the CrowdStrike Falcon OAuth2 actions of a plugin module.");
	formatter.setFooter("Connection settings are layered: defaults < --config file < environment (FALCON_CLIENT_ID, "
		"FALCON_CLIENT_SECRET, FALCON_MEMBER_CID, FALCON_CLOUD, FALCON_BASE_URL, FALCON_CA_BUNDLE, HTTPS_PROXY) < flags.");
	formatter.format(std::cout);
	return OK;
}

void FalconHost::setUpLogging()
{
	Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(
		new Poco::PatternFormatter("%H:%M:%S.%i %p %s: %t"), new Poco::ConsoleChannel(std::cerr)));
	const int level = _debug ? Poco::Message::PRIO_DEBUG : _quiet ? 0 : Poco::Message::PRIO_WARNING;
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
		// Installed: bin/falcon-host beside lib*/falcon-plugins/. Build tree: the build's module.
		const Poco::Path executable(config().getString("application.dir"));
		for (const std::string& candidate : {Poco::Path(executable).parent().append("lib/falcon-plugins").toString(),
			Poco::Path(executable).parent().append(FALCON_INSTALL_MODULE_DIR).toString(), std::string(FALCON_BUILD_MODULE_DIR)})
		{
			if (Poco::File(candidate).exists()) { path = candidate; break; }
		}
		if (path.empty()) throw HostError("no plugin found beside falcon-host; give one with --plugin PATH");
	}
	if (!Poco::File(path).exists()) throw HostError("--plugin " + path + ": no such file or directory");
	if (Poco::File(path).isDirectory())
	{
		for (Poco::DirectoryIterator it(path), end; it != end; ++it)
		{
			if (it->isFile() && it.name().size() > 3 && it.name().compare(it.name().size() - 3, 3, ".so") == 0) modules.push_back(it->path());
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
	std::string known;
	for (const auto& plugin : _plugins)
	{
		for (const auto& action : plugin->actions()) known += (known.empty() ? "" : ", ") + action->operationId() + " (" + action->alias() + ")";
	}
	throw HostError("unknown action " + quoted(name) + "; the plugin offers " + known);
}

void FalconHost::print(const Poco::Dynamic::Var& value) const
{
	const bool pretty = _output.empty() ? ::isatty(STDOUT_FILENO) == 1 : _output == "pretty";
	std::ostringstream out;
	Poco::JSON::Stringifier::stringify(value, out, pretty ? 2 : 0);
	std::cout << out.str() << std::endl;
}

int FalconHost::list()
{
	for (const auto& plugin : _plugins)
	{
		const auto info = plugin->description()->getObject("plugin");
		std::cout << info->getValue<std::string>("name") << " " << info->getValue<std::string>("version")
		          << " (plugin API " << info->getValue<int>("api_version") << ") " << plugin->path() << "\n";
		for (const auto& action : plugin->actions())
			std::cout << "  " << action->operationId() << "  " << action->alias() << "  " << action->description() << "\n";
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

Poco::JSON::Object::Ptr FalconHost::validatedConnection()
{
	const Poco::JSON::Object::Ptr connectionSchema = _plugins.front()->description()->getObject("connection_schema");
	// The plugin's spellings: "--cloud US2" is us-2, as the plugin itself would read it.
	const Poco::JSON::Object::Ptr connection = Plugin::EnumSpellings(connectionSchema).canonical(_configuration.connection());
	std::ostringstream schema;
	connectionSchema->stringify(schema);
	const Plugin::SchemaValidator validator(schema.str());
	const auto problems = validator.validate(connection, "connection");
	if (!problems.empty())
	{
		std::string message = "the connection is not valid:";
		for (const auto& problem : problems) message += "\n  " + problem;
		throw HostError(message);
	}
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
		if (_secretFromStdin) throw HostError("--client-secret-stdin takes stdin: give the input with --input or --input-file");
		source = "stdin";
		// Nobody is typing an input at a terminal: no --input means no input, as for the token action.
		if (::isatty(STDIN_FILENO) != 1) text = readStream(std::cin, MAX_DOCUMENT_BYTES, source);
		if (text.find_first_not_of(" \t\r\n") == std::string::npos) text = "{}";
	}
	const Poco::JSON::Object::Ptr input = parseJsonObject(text, source);
	if (!input) throw HostError(source + ": the input must be a JSON object");
	return input;
}

Plugin::ActionResult FalconHost::invoke(const Plugin::Action& action, const Poco::JSON::Object::Ptr& input, const Poco::JSON::Object::Ptr& connection)
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
	const Plugin::SchemaValidator validator(found.inputSchema());
	const auto problems = validator.validate(input, "input");
	if (!problems.empty())
	{
		std::string message = "the input of " + found.operationId() + " is not valid:";
		for (const auto& problem : problems) message += "\n  " + problem;
		throw HostError(message);
	}
	const Poco::JSON::Object::Ptr connection = validatedConnection();
	const Plugin::ActionResult result = invoke(found, input, connection);
	print(result.output());
	if (result.ok()) return OK;
	return result.errorKind() == "invalid_input" && result.statusCode() == 400 && result.output()->getObject("headers")->size() == 0 ? HostError::USAGE : API_FAILED;
}

int FalconHost::testConnection()
{
	const Poco::JSON::Object::Ptr connection = validatedConnection();
	const Plugin::Action& token = action("oauth2AccessToken");
	Poco::JSON::Object::Ptr input = new Poco::JSON::Object;
	input->set("force", true);
	const auto started = std::chrono::steady_clock::now();
	const Plugin::ActionResult result = invoke(token, input, connection);
	const auto latency = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();

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
	report->set("cloud", header("X-Cs-Region"));
	report->set("latency_ms", std::round(latency * 10) / 10);
	report->set("trace_id", header("X-Cs-Traceid"));
	if (!result.ok()) report->set("error", result.output()->get("error"));
	print(report);
	return result.ok() ? OK : API_FAILED;
}

int FalconHost::showConfig()
{
	print(_configuration.describe(_plugins.front()->description()->getObject("connection_schema")));
	return OK;
}

} } // namespace Falcon::Host
