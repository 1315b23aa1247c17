#include "FalconEmulator.h"
#include "ChildProcess.h"
#include "HostTestKit.h"
#include "SuiteDriver.h"
#include "TestDirectory.h"

#include "falcon/plugin/falcon_plugin.h"

#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/DatagramSocket.h>
#include <Poco/Path.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>

#include <thread>

using namespace Falcon::Testing;
using namespace std::chrono;

namespace {

const std::string CLIENT = "hostclient0123456789abcdef012345";
const std::string SECRET = "host/Secret+value=1";

/// A finished run, with its stdout read as JSON.
using Run = Finished;

} // namespace

/// falcon-host as a user runs it: the real binary in a subprocess, against the emulator.
class HostCliTest: public HostFixture
{
	CPPUNIT_TEST_SUITE(HostCliTest);
	CPPUNIT_TEST(testHelp);
	CPPUNIT_TEST(testCommandLine);
	CPPUNIT_TEST(testList);
	CPPUNIT_TEST(testDescribe);
	CPPUNIT_TEST(testRunTokenAndRevoke);
	CPPUNIT_TEST(testApiFailureExitsOne);
	CPPUNIT_TEST(testUnreachableCloudExitsOneWithinTimeout);
	CPPUNIT_TEST(testUnansweredNameLookupEndsAtTheDeadline);
	CPPUNIT_TEST(testValidationErrorsNameTheField);
	CPPUNIT_TEST(testMalformedInput);
	CPPUNIT_TEST(testDebugRunLeaksNoSecret);
	CPPUNIT_TEST(testOutputFormats);
	CPPUNIT_TEST(testTestConnection);
	CPPUNIT_TEST(testVersion);
	CPPUNIT_TEST(testBashCompletion);
	CPPUNIT_TEST(testPrettyEmptyContainers);
	CPPUNIT_TEST(testPluginOption);
	CPPUNIT_TEST_SUITE_END();

	Falcon::Emulator::EmulatorOptions emulatorOptions() const override
	{
		auto options = HostFixture::emulatorOptions();
		options.clouds = {"us-1", "us-2"};
		return options;
	}

public:
	HostCliTest(): HostFixture(CLIENT, SECRET) {}

	void testHelp()
	{
		const Run help = host({"--help"}, {});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(help), 0, help.status);
		for (const char* text : {"list", "describe ACTION", "run ACTION", "test-connection", "--client-secret-file",
				 "--plugin", "Exit status"})
			CPPUNIT_ASSERT_MESSAGE(text, help.out.find(text) != std::string::npos);
		for (const char* command : {"list", "describe", "run", "test-connection", "config"})
		{
			const Run one = host({"--help", command}, {});
			CPPUNIT_ASSERT_EQUAL_MESSAGE(label(one), 0, one.status);
			CPPUNIT_ASSERT_MESSAGE(label(one), one.out.find(std::string("falcon-host ") + command) == 0);
		}
		CPPUNIT_ASSERT_EQUAL(2, host({"--help", "frobnicate"}, {}).status);
		CPPUNIT_ASSERT_EQUAL(2, host({"frobnicate"}, {}).status);
		CPPUNIT_ASSERT_EQUAL(2, host({"--no-such-flag", "list"}, {}).status);
	}

	/// Options anywhere, --name=VALUE or --name VALUE, -h, and "--" ending them; each mistake
	/// named, exit 2.
	void testCommandLine()
	{
		const Run compact = host({"run", "--output=compact", "token", "--input", "{}", "-q"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(compact), 0, compact.status);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"status_code\":201"), compact.out.substr(0, 18));
		CPPUNIT_ASSERT_EQUAL(0, host({"-h"}, {}).status);
		const Run ended = host({"--", "--help"}, {});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(ended), 2, ended.status);
		CPPUNIT_ASSERT_MESSAGE(ended.err, ended.err.find("unknown command '--help'") != std::string::npos);
		for (const auto& [words, said] : std::vector<std::pair<std::vector<std::string>, std::string>>{
				 {{"list", "--no-such-flag"}, "unknown option --no-such-flag"}, {{"-x", "list"}, "unknown option -x"},
				 {{"run", "token", "--input"}, "--input needs a value: --input JSON"},
				 {{"--quiet=yes", "list"}, "--quiet takes no value"},
				 {{"--output", "compact", "--output=pretty", "list"}, "--output is given more than once"}})
		{
			const Run wrong = host(words, {});
			CPPUNIT_ASSERT_EQUAL_MESSAGE(label(wrong), 2, wrong.status);
			CPPUNIT_ASSERT_MESSAGE(wrong.err, wrong.err.find("falcon-host: " + said) == 0);
		}
	}

	void testList()
	{
		const Run list = host({"list"}, {});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(list), 0, list.status);
		CPPUNIT_ASSERT(list.out.find("CrowdStrike Falcon OAuth2 0.1.0 (plugin API "
						   + std::to_string(FALCON_PLUGIN_API_VERSION) + ")")
			!= std::string::npos);
		CPPUNIT_ASSERT(list.out.find("oauth2AccessToken  token  Get an OAuth2 access token") != std::string::npos);
		CPPUNIT_ASSERT(list.out.find("oauth2RevokeToken  revoke  Revoke") != std::string::npos);
	}

	void testDescribe()
	{
		const Run token = host({"describe", "token"}, {});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(token), 0, token.status);
		CPPUNIT_ASSERT_EQUAL(std::string("oauth2AccessToken"), token.json()->getValue<std::string>("operation_id"));
		CPPUNIT_ASSERT(token.json()->getObject("input_schema")->getObject("properties")->has("force"));
		CPPUNIT_ASSERT(token.json()->getObject("output_schema")->getObject("properties")->has("cached"));
		const Run connection = host({"describe", "--connection"}, {});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(connection), 0, connection.status);
		CPPUNIT_ASSERT(
			connection.json()->getObject("properties")->getObject("client_secret")->getValue<bool>("x-secret"));
		const Run unknown = host({"describe", "oauth2Nope"}, {});
		CPPUNIT_ASSERT_EQUAL(2, unknown.status);
		CPPUNIT_ASSERT(
			unknown.err.find(
				"unknown action 'oauth2Nope'; the plugin offers oauth2AccessToken (token), oauth2RevokeToken (revoke)")
			!= std::string::npos);
		CPPUNIT_ASSERT_EQUAL(2, host({"describe"}, {}).status);
	}

	void testRunTokenAndRevoke()
	{
		const Run token = host({"run", "oauth2AccessToken", "--input", "{}"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(token), 0, token.status);
		CPPUNIT_ASSERT_EQUAL(201, token.json()->getValue<int>("status_code"));
		const std::string accessToken = token.json()->getObject("body")->getValue<std::string>("access_token");
		const Run revoke = host({"run", "revoke"}, environment(), "{\"token\": \"" + accessToken + "\"}");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(revoke), 0, revoke.status);
		CPPUNIT_ASSERT_EQUAL(200, revoke.json()->getValue<int>("status_code"));
		CPPUNIT_ASSERT(_emulator->tokens().check(accessToken, "us-1") == Falcon::Emulator::TokenStore::State::Revoked);
		const std::string file =
			writeTestFile("revoke-input.json", "{\"data\": {\"token\": \"" + accessToken + "\"}}", 0600);
		CPPUNIT_ASSERT_EQUAL(0, host({"run", "oauth2RevokeToken", "--input-file", file}, environment()).status);
	}

	void testApiFailureExitsOne()
	{
		Poco::Process::Env env = environment();
		env["FALCON_CLIENT_SECRET"] = "wrong";
		const Run run = host({"run", "token", "--input", "{}"}, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 1, run.status);
		CPPUNIT_ASSERT_EQUAL(403, run.json()->getValue<int>("status_code"));
		CPPUNIT_ASSERT_EQUAL(std::string("auth_failed"), run.json()->getObject("error")->getValue<std::string>("kind"));
	}

	void testUnreachableCloudExitsOneWithinTimeout()
	{
		_emulator->faults().add("token=delay-headers:20000");
		const Run silent = host({"run", "token", "--input", "{}", "--timeout", "1"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(silent), 1, silent.status);
		CPPUNIT_ASSERT_EQUAL(std::string("timeout"), silent.json()->getObject("error")->getValue<std::string>("kind"));
		CPPUNIT_ASSERT_MESSAGE(label(silent), silent.took < seconds(6));

		Poco::Process::Env env = environment();
		env["FALCON_BASE_URL"] = "https://127.0.0.1:1";
		const Run refused = host({"run", "token", "--input", "{}", "--timeout", "2"}, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(refused), 1, refused.status);
		CPPUNIT_ASSERT_EQUAL(std::string("network"), refused.json()->getObject("error")->getValue<std::string>("kind"));
	}

	/// Name resolution is part of the call: a resolver that never answers holds it no longer than
	/// its deadline. The resolver is a loopback socket that takes every query and answers none;
	/// only the program under test sees it, through a private resolv.conf in a mount namespace of
	/// its own (port 53 and the namespace need root, as CI has).
	void testUnansweredNameLookupEndsAtTheDeadline()
	{
		const Poco::Net::DatagramSocket silentResolver(Poco::Net::SocketAddress("127.0.0.153", 53), true);
		const std::string resolvConf =
			writeTestFile("resolv.conf", "nameserver 127.0.0.153\noptions timeout:30 attempts:2\n", 0644);
		Poco::Process::Env env = environment();
		env["FALCON_BASE_URL"] = "https://api.unanswered-lookup.test";
		const Run run = runProgram("unshare",
			{"--mount", "sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolvConf,
				FALCON_HOST_BINARY, "run", "token", "--input", "{}", "--timeout", "2"},
			env, "", {}, testDirectory());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 1, run.status);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(
			label(run), std::string("timeout"), run.json()->getObject("error")->getValue<std::string>("kind"));
		CPPUNIT_ASSERT_MESSAGE(label(run), run.took < milliseconds(3500));
	}

	void testValidationErrorsNameTheField()
	{
		struct Case
		{
			std::vector<std::string> arguments;
			const char* expected;
		};
		const Case cases[] = {
			{{"run", "revoke", "--input", "{}"},
				"input: give the token to revoke as token (or as data.token), not both"},
			{{"run", "token", "--input", "{\"force\": \"yes\"}"}, "input.force: "},
			{{"run", "token", "--input", "{\"bogus\": 1}"}, "'bogus'"},
			{{"run", "token", "--input", "{\"data\": {\"client_id\": 7}}"}, "input.data.client_id: "},
			{{"--cloud", "mars-1", "run", "token", "--input", "{}"}, "connection.cloud: "},
			{{"--timeout", "soon", "run", "token", "--input", "{}"}, "connection.call_timeout_s: "},
			{{"--member-cid", "not-hex!", "run", "token", "--input", "{}"}, "connection.member_cid: "},
		};
		for (const Case& c : cases)
		{
			const Run run = host(c.arguments, environment());
			CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 2, run.status);
			CPPUNIT_ASSERT_MESSAGE(label(run), run.err.find(c.expected) != std::string::npos);
		}
		const Run noSecret = host({"run", "token", "--input", "{}"}, environment(""));
		CPPUNIT_ASSERT_EQUAL(2, noSecret.status);
		CPPUNIT_ASSERT_MESSAGE(label(noSecret),
			noSecret.err.find("connection: Missing required property 'client_secret'.") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _emulator->log().entries().size());
	}

	void testMalformedInput()
	{
		const Run bad = host({"run", "token", "--input", "{\"force\": tru"}, environment());
		CPPUNIT_ASSERT_EQUAL(2, bad.status);
		CPPUNIT_ASSERT(bad.err.find("--input: not valid JSON") != std::string::npos);
		const Run stdinBad = host({"run", "token"}, environment(), "garbage");
		CPPUNIT_ASSERT_EQUAL(2, stdinBad.status);
		CPPUNIT_ASSERT(stdinBad.err.find("stdin: not valid JSON") != std::string::npos);
		const Run array = host({"run", "token", "--input", "[1, 2]"}, environment());
		CPPUNIT_ASSERT_EQUAL(2, array.status);
		CPPUNIT_ASSERT(array.err.find("the input must be a JSON object") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(2, host({"run", "token", "--input-file", "/nonexistent.json"}, environment()).status);
		CPPUNIT_ASSERT_EQUAL(2, host({"run", "token", "--input", "{}", "--input-file", "x"}, environment()).status);
		CPPUNIT_ASSERT_EQUAL(2, host({"run"}, environment()).status);
	}

	void testDebugRunLeaksNoSecret()
	{
		const Run token = host({"--debug", "run", "token", "--input", "{}"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(token), 0, token.status);
		const std::string accessToken = token.json()->getObject("body")->getValue<std::string>("access_token");
		const Run revoke = host({"--debug", "run", "revoke"}, environment(), "{\"token\": \"" + accessToken + "\"}");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(revoke), 0, revoke.status);
		const std::string stderrText = token.err + revoke.err;
		CPPUNIT_ASSERT_MESSAGE(stderrText,
			stderrText.find("request body: client_id=" + CLIENT + "&client_secret=***") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(stderrText, stderrText.find("Authorization: basic ***") != std::string::npos);
		for (const std::string& secret : {SECRET, std::string("host%2FSecret%2Bvalue%3D1"), accessToken})
			CPPUNIT_ASSERT_MESSAGE("a secret reached stderr", stderrText.find(secret) == std::string::npos);
		CPPUNIT_ASSERT(revoke.out.find(accessToken) == std::string::npos);
	}

	void testOutputFormats()
	{
		const Run pretty = host({"run", "token", "--input", "{}", "--output", "pretty"}, environment());
		CPPUNIT_ASSERT(pretty.out.find("\n  \"status_code\": 201") != std::string::npos);
		const Run compact = host({"run", "token", "--input", "{}"}, environment()); // a pipe: compact
		CPPUNIT_ASSERT_EQUAL(std::string("{\"status_code\":201"), compact.out.substr(0, 18));
		CPPUNIT_ASSERT_EQUAL(
			std::size_t(1), static_cast<std::size_t>(std::count(compact.out.begin(), compact.out.end(), '\n')));
		CPPUNIT_ASSERT_EQUAL(2, host({"run", "token", "--input", "{}", "--output", "yaml"}, environment()).status);
	}

	void testVersion()
	{
		// Given a megabyte on stdin it never reads: the runner's write ends in EPIPE, not SIGPIPE.
		const Run shown = host({"--version"}, {}, std::string(1 << 20, 'x'));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(shown), 0, shown.status);
		for (const char* line : {"falcon-host 0.", "\nplugin API 2\n", "\nPoco 1.", "\nOpenSSL 3."})
			CPPUNIT_ASSERT_MESSAGE(shown.out, shown.out.find(line) != std::string::npos);
	}

	/// The completion script, sourced in a bash as bash-completion would: commands, actions,
	/// --output values and options as --help lists them.
	void testBashCompletion()
	{
		const std::string script = std::string("source ") + FALCON_COMPLETION_SCRIPT
			+ "; PATH=" + Poco::Path(FALCON_HOST_BINARY).parent().toString()
			+ ":$PATH; for line in 'falcon-host r' 'falcon-host run oauth2A' 'falcon-host describe re' 'falcon-host "
			  "--output c' 'falcon-host --vers' "
			  "'falcon-host workflow c'; do COMP_WORDS=($line); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); "
			  "_falcon_host; echo \"${COMPREPLY[*]}\"; done";
		const Finished completed = runProgram("/bin/bash", {"-c", script});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(completed.label(), 0, completed.status);
		CPPUNIT_ASSERT_EQUAL(std::string("run\noauth2AccessToken\nrevoke\ncompact\n--version\ncheck\n"), completed.out);
	}

	/// Poco indents an empty array as a bracket, a blank line and a bracket; ours reads [].
	void testPrettyEmptyContainers()
	{
		const Run revoked =
			host({"run", "revoke", "--input", "{\"token\": \"not-a-token\"}", "--output", "pretty"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(revoked), 0, revoked.status);
		CPPUNIT_ASSERT_MESSAGE(revoked.out, revoked.out.find("\"errors\": []") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(revoked.out, revoked.out.find("[\n\n") == std::string::npos);
	}

	void testTestConnection()
	{
		Poco::Process::Env memory = environment();
		memory["FALCON_TOKEN_CACHE"] = "memory";
		const Run ok = host({"test-connection"}, memory);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(ok), 0, ok.status);
		const auto report = ok.json();
		CPPUNIT_ASSERT(report->getValue<bool>("ok"));
		CPPUNIT_ASSERT_EQUAL(std::string("api"), report->getValue<std::string>("source"));
		CPPUNIT_ASSERT_EQUAL(std::string("us-1"), report->getValue<std::string>("cloud"));
		CPPUNIT_ASSERT(report->getValue<double>("latency_ms") > 0);
		CPPUNIT_ASSERT_EQUAL(std::size_t(36), report->getValue<std::string>("trace_id").size());
		CPPUNIT_ASSERT(ok.out.find("access_token") == std::string::npos);
		// With a file store, a second run is served from it, and says so; it still asks the cloud
		// (a token of its own, revoked again), so a wrong CA bundle or a dead API is not "ok".
		Poco::Process::Env stored = environment();
		stored["FALCON_TOKEN_CACHE"] = "file:" + testDirectory() + "/test-connection-store";
		CPPUNIT_ASSERT_EQUAL(
			std::string("api"), host({"test-connection"}, stored).json()->getValue<std::string>("source"));
		const auto tokensBefore = _emulator->log().counters().tokensIssued;
		const auto shared = host({"test-connection"}, stored).json();
		CPPUNIT_ASSERT_EQUAL(std::string("shared_store"), shared->getValue<std::string>("source"));
		CPPUNIT_ASSERT(shared->getValue<bool>("ok"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(36), shared->getValue<std::string>("trace_id").size());
		CPPUNIT_ASSERT_EQUAL(tokensBefore + 1, _emulator->log().counters().tokensIssued);
		CPPUNIT_ASSERT_EQUAL(
			std::string("shared_store"), host({"test-connection"}, stored).json()->getValue<std::string>("source"));
		Poco::Process::Env wrongCa = stored;
		wrongCa["FALCON_CA_BUNDLE"] = "/etc/ssl/certs/ca-certificates.crt";
		const Run untrusted = host({"test-connection"}, wrongCa);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(untrusted), 1, untrusted.status);
		CPPUNIT_ASSERT(!untrusted.json()->getValue<bool>("ok"));
		CPPUNIT_ASSERT_EQUAL(std::string("shared_store"), untrusted.json()->getValue<std::string>("source"));
		CPPUNIT_ASSERT_EQUAL(std::string("tls"), untrusted.json()->getObject("error")->getValue<std::string>("kind"));
		Poco::Process::Env env = environment();
		env["FALCON_CLIENT_SECRET"] = "wrong";
		const Run refused = host({"test-connection"}, env);
		CPPUNIT_ASSERT_EQUAL(1, refused.status);
		CPPUNIT_ASSERT_EQUAL(
			std::string("auth_failed"), refused.json()->getObject("error")->getValue<std::string>("kind"));
	}

	void testPluginOption()
	{
		const Run missing = host({"--plugin", "/nonexistent/plugin.so", "list"}, {});
		CPPUNIT_ASSERT_EQUAL(2, missing.status);
		const Run mismatched = host({"--plugin", FALCON_MISMATCHED_MODULE, "list"}, {});
		CPPUNIT_ASSERT_EQUAL(2, mismatched.status);
		CPPUNIT_ASSERT_MESSAGE(mismatched.err,
			mismatched.err.find("implements plugin API version 1000, but this host speaks version 2")
				!= std::string::npos);
		const std::string directory = testDirectory() + "/plugins";
		Poco::File(directory).createDirectories();
		Poco::File(FALCON_PLUGIN_MODULE).copyTo(directory + "/libfalcon-oauth2-plugin.so");
		::chmod(directory.c_str(), 0755);
		const Run fromDirectory = host({"--plugin", directory, "list"}, {});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(fromDirectory), 0, fromDirectory.status);
		CPPUNIT_ASSERT(fromDirectory.out.find(directory) != std::string::npos);
		// A module others could have written is not loaded: its code would run as this user.
		::chmod((directory + "/libfalcon-oauth2-plugin.so").c_str(), 0666);
		const Run writable = host({"--plugin", directory, "list"}, {});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(writable), 2, writable.status);
		CPPUNIT_ASSERT_MESSAGE(writable.err,
			writable.err.find("is writable by group or others; refusing to load it") != std::string::npos);
	}
};

FALCON_REGISTER_SUITE(HostCliTest);
