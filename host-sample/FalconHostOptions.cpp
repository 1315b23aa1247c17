// falcon-host's command line: its options, and the help that describes them.

#include "FalconHost.h"

#include "CommandLine.h"
#include "HostError.h"
#include "QuotedText.h"

#include "falcon/plugin/falcon_plugin.h"

#include <Poco/Path.h>
#include <Poco/Version.h>

#include <openssl/crypto.h>

#include <cstdlib>
#include <iostream>
#include <map>

namespace Falcon {
namespace Host {

namespace {

const char* const USAGE =
	"[OPTIONS] COMMAND\n\n"
	"Commands:\n"
	"  list                      the loaded plugin(s) and their actions\n"
	"  describe ACTION           an action's input and output schemas (operation ID or alias)\n"
	"  describe --connection     the connection schema\n"
	"  run ACTION                run an action; input from --input, --input-file or stdin\n"
	"  test-connection           ask the cloud for a token with the connection; report it and the token cache\n"
	"  config                    the connection settings and where each came from (secrets masked)\n"
	"  workflow run FILE.yaml    run a workflow (inputs with --input); workflow check FILE.yaml only checks it\n\n"
	"Exit status: 0 success, 1 the API or network call failed, 2 usage, configuration or validation error,\n"
	"74 the result could not be written to standard output.";

const std::map<std::string, std::string> COMMAND_HELP{
	{"list", "falcon-host list\n  Lists the loaded plugin(s) and their actions: operation ID, alias, description."},
	{"describe",
		"falcon-host describe ACTION | describe --connection\n  Prints an action's input and output schemas, or the "
		"connection schema."},
	{"run",
		"falcon-host run ACTION [--input JSON | --input-file FILE] [--output pretty|compact]\n"
		"  Validates the input (and the connection) against the action's schemas, runs it, prints the result.\n"
		"  Without --input or --input-file the input is read from stdin. Exit 0 when the API call succeeded,\n"
		"  1 when the API or network failed (the error object is printed), 2 for usage or validation errors."},
	{"test-connection",
		"falcon-host test-connection\n  Always asks the cloud: gets a token with the configured connection (source: "
		"api) or, when the token\n"
		"  cache serves one (source: shared_store), mints one of its own to test the credentials, CA bundle and\n"
		"  proxy, then revokes it. Reports the cloud, latency and trace ID of that request (never a token).\n"
		"  Exit 0 when the connection works, 1 when it does not."},
	{"workflow",
		"falcon-host workflow run FILE.yaml [--input JSON] [--reveal-outputs] | workflow check FILE.yaml\n"
		"  Checks the whole file first (YAML, schema, actions, references, expressions, literal inputs) and reports\n"
		"  every problem at once (exit 2). Runs the steps with progress on stderr, prints the run record (secrets\n"
		"  masked) on stdout. Exit 0 when the workflow succeeded, 1 when a step failed it or it was interrupted.\n"
		"  SIGINT stops new steps but lets always() cleanup steps run."},
	{"config",
		"falcon-host config\n  Prints the connection settings after layering (defaults < --config file < environment < "
		"flags),\n"
		"  with where each value came from. Secrets are shown as ***."},
};

/// Flag name -> connection field.
const std::vector<std::pair<std::string, std::string>> CONNECTION_FLAGS{{"cloud", "cloud"}, {"base-url", "base_url"},
	{"client-id", "client_id"}, {"client-secret", "client_secret"}, {"member-cid", "member_cid"},
	{"ca-bundle", "ca_bundle"}, {"proxy", "proxy"}, {"timeout", "call_timeout_s"}, {"user-agent", "user_agent"},
	{"token-cache", "token_cache"}};

/// falcon-host's options, in the order --help lists them.
const CommandLine& commandLine()
{
	static const CommandLine options({
		{"help", 'h', "", "show help (with a command: that command's help)"},
		{"version", 0, "", "show the versions of falcon-host, the plugin API, Poco and OpenSSL"},
		{"plugin", 0, "PATH",
			"plugin module, or a directory of modules (default: the one installed beside falcon-host)"},
		{"config", 0, "FILE", "configuration file: INI with a [falcon] section, or JSON with a \"falcon\" object"},
		{"cloud", 0, "NAME", "Falcon cloud: us-1, us-2, us-3, eu-1, us-gov-1, us-gov-2 (FALCON_CLOUD)"},
		{"base-url", 0, "URL", "custom API base URL (FALCON_BASE_URL)"},
		{"client-id", 0, "ID", "API client ID (FALCON_CLIENT_ID)"},
		{"client-secret", 0, "SECRET",
			"refused: use FALCON_CLIENT_SECRET, --client-secret-file or --client-secret-stdin"},
		{"client-secret-file", 0, "FILE", "read the client secret from FILE (must be private: chmod 600)"},
		{"client-secret-stdin", 0, "", "read the client secret from the first line of stdin"},
		{"member-cid", 0, "CID", "MSSP child CID to act for (FALCON_MEMBER_CID)"},
		{"ca-bundle", 0, "FILE", "PEM file of CAs to trust instead of the system's (FALCON_CA_BUNDLE)"},
		{"proxy", 0, "URL", "HTTP proxy http://host:port; credentials only through HTTPS_PROXY or --config"},
		{"insecure", 0, "", "do not verify TLS certificates (testing only; logs a warning)"},
		{"timeout", 0, "SECONDS", "seconds a whole call may take (default 60)"},
		{"user-agent", 0, "AGENT", "your product token, e.g. acme-soar/2.1"},
		{"token-cache", 0, "STORE",
			"where tokens are kept between runs: file (the default: one token for this user's processes), "
			"file:/DIR, redis://HOST:PORT/DB, rediss://HOST:PORT/DB (TLS), unix:///PATH (password from "
			"FALCON_TOKEN_CACHE_PASSWORD), or memory (FALCON_TOKEN_CACHE)"},
		{"input", 0, "JSON", "run: the action's input as JSON"},
		{"input-file", 0, "FILE", "run: read the action's input from FILE"},
		{"output", 0, "FORMAT", "pretty or compact JSON (default: pretty on a terminal, compact otherwise)"},
		{"connection", 0, "", "describe: the connection schema"},
		{"reveal-outputs", 0, "", "workflow run: print secret workflow outputs in clear"},
		{"debug", 0, "", "log requests and responses to stderr (secrets redacted)"},
		{"quiet", 'q', "", "print only results"},
	});
	return options;
}

/// The directory of the running falcon-host, as argv[0] names it (a symbolic link is not
/// followed: a link in /usr/local/bin stands for its own tree), with a trailing slash.
std::string executableDirectory(const std::string& argv0)
{
	std::string path = argv0;
	if (path.find('/') == std::string::npos)
	{
		const char* searched = std::getenv("PATH");
		Poco::Path found;
		if (searched && Poco::Path::find(searched, argv0, found)) path = found.toString();
	}
	return Poco::Path(Poco::Path(path).absolute()).parent().toString();
}

} // namespace

void FalconHost::init(int argc, char** argv)
{
	_executableDirectory = executableDirectory(argc > 0 ? argv[0] : "falcon-host");
	const std::vector<std::string> words(argv + (argc > 0 ? 1 : 0), argv + argc);
	_arguments = commandLine().parse(
		words, [this](const std::string& name, const std::string& value) { handleOption(name, value); });
}

void FalconHost::handleOption(const std::string& name, const std::string& value)
{
	if (name == "help") _help = true;
	else if (name == "version") _version = true;
	else if (name == "plugin") _pluginPath = value;
	else if (name == "config") _configFile = value;
	else if (name == "client-secret-file") _secretFile = value;
	else if (name == "client-secret-stdin") _secretFromStdin = true;
	else if (name == "insecure") _flags.emplace_back("verify_tls", "false");
	else if (name == "input")
	{
		_inputText = value;
		_haveInput = true;
	}
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

int FalconHost::version()
{
	const unsigned poco = POCO_VERSION;
	std::cout << "falcon-host " << FALCON_VERSION << "\nplugin API " << FALCON_PLUGIN_API_VERSION << "\nPoco "
			  << (poco >> 24) << "." << ((poco >> 16) & 0xFF) << "." << ((poco >> 8) & 0xFF) << "\n"
			  << OpenSSL_version(OPENSSL_VERSION) << "\n";
	return 0;
}

int FalconHost::help(const std::string& command)
{
	if (!command.empty())
	{
		const auto it = COMMAND_HELP.find(command);
		if (it == COMMAND_HELP.end()) throw HostError("unknown command " + quoted(command) + " (see --help)");
		std::cout << it->second << "\n\nOptions that apply: see falcon-host --help.\n";
		return 0;
	}
	std::cout << "usage: falcon-host " << USAGE
			  << "\n\nRuns the CrowdStrike Falcon OAuth2 actions of a plugin module.\n\n"
			  << "Options:\n";
	commandLine().describe(std::cout);
	std::cout << "\nConnection settings are layered: defaults < --config file < environment < flags. Every field of\n"
				 "the connection schema (falcon-host describe --connection) has its variable FALCON_<FIELD>:\n"
				 "FALCON_CLIENT_ID, FALCON_CLIENT_SECRET, FALCON_MEMBER_CID, FALCON_CLOUD, FALCON_BASE_URL,\n"
				 "FALCON_CA_BUNDLE, FALCON_CALL_TIMEOUT_S, ...; HTTPS_PROXY and NO_PROXY are honoured by the plugin.\n";
	return 0;
}

}
} // namespace Falcon::Host
