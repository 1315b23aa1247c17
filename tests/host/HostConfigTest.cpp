#include "FalconEmulator.h"
#include "ChildProcess.h"
#include "HostTestKit.h"
#include "SuiteDriver.h"
#include "TestDirectory.h"

#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
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

/// falcon-host's connection settings: the layers, the fields the plugin's schema declares, where
/// secrets may come from, and who refused a call.
class HostConfigTest: public HostFixture
{
	CPPUNIT_TEST_SUITE(HostConfigTest);
	CPPUNIT_TEST(testLayers);
	CPPUNIT_TEST(testIniFileShapes);
	CPPUNIT_TEST(testEveryFieldHasItsVariable);
	CPPUNIT_TEST(testExitStatusSaysWhoRefused);
	CPPUNIT_TEST(testSecretsOnArgvAreRefused);
	CPPUNIT_TEST(testSecretFile);
	CPPUNIT_TEST(testSecretFromStdin);
	CPPUNIT_TEST_SUITE_END();

	Falcon::Emulator::EmulatorOptions emulatorOptions() const override
	{
		auto options = HostFixture::emulatorOptions();
		options.clouds = {"us-1", "us-2"};
		return options;
	}

public:
	HostConfigTest(): HostFixture(CLIENT, SECRET) {}

	void testLayers()
	{
		const std::string ini = writeTestFile("layers.ini",
			"[falcon]\ncloud = us-2\nbase_url = https://127.0.0.1:1\nclient_id = from-file\nmember_cid = abcdef\n",
			0644);
		Poco::Process::Env none;
		Run config = host({"--config", ini, "config"}, none);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(config), 0, config.status);
		CPPUNIT_ASSERT_EQUAL(
			std::string("config file"), config.json()->getObject("base_url")->getValue<std::string>("from"));
		CPPUNIT_ASSERT_EQUAL(std::string("us-2"), config.json()->getObject("cloud")->getValue<std::string>("value"));

		Poco::Process::Env env = environment();
		env["FALCON_MEMBER_CID"] = "";
		config = host({"--config", ini, "config"}, env);
		CPPUNIT_ASSERT_EQUAL(
			std::string("environment"), config.json()->getObject("base_url")->getValue<std::string>("from"));
		CPPUNIT_ASSERT_EQUAL(CLIENT, config.json()->getObject("client_id")->getValue<std::string>("value"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("***"), config.json()->getObject("client_secret")->getValue<std::string>("value"));
		CPPUNIT_ASSERT(config.out.find(SECRET) == std::string::npos);

		config = host({"--config", ini, "--base-url", "https://127.0.0.1:2", "config"}, env);
		CPPUNIT_ASSERT_EQUAL(std::string("flag"), config.json()->getObject("base_url")->getValue<std::string>("from"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("https://127.0.0.1:2"), config.json()->getObject("base_url")->getValue<std::string>("value"));

		// The layers decide where the call goes: the file's URL is dead, the environment's works,
		// and a flag pointing at the dead one again wins over both.
		const std::string json = writeTestFile(
			"layers.json", "{\"falcon\": {\"base_url\": \"https://127.0.0.1:1\", \"call_timeout_s\": 5}}", 0644);
		const Run run = host({"--config", json, "run", "token", "--input", "{}"}, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 0, run.status);
		const Run fileOnly =
			host({"--config", json, "run", "token", "--input", "{}", "--base-url", "https://127.0.0.1:1"}, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(fileOnly), 1, fileOnly.status);

		const std::string unknown = writeTestFile("unknown.ini", "[falcon]\ncolud = us-1\n", 0644);
		const Run bad = host({"--config", unknown, "config"}, none);
		CPPUNIT_ASSERT_EQUAL(2, bad.status);
		CPPUNIT_ASSERT(bad.err.find("unknown setting falcon.colud") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(2, host({"--config", "/nonexistent.ini", "config"}, none).status);
	}

	/// INI as Poco's IniFileConfiguration reads it: comments, other sections, the section's name in
	/// any case, trimmed values, the last of a key given twice.
	void testIniFileShapes()
	{
		const std::string ini = writeTestFile("shapes.ini",
			"; a comment\n# another\n[other]\ncloud = eu-1\n\n  [ Falcon ]  \n  cloud =   us-1  \nclient_id = first\n"
			"client_id=second\n[more]\nclient_id = third\n",
			0644);
		const Run config = host({"--config", ini, "config"}, Poco::Process::Env{});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(config), 0, config.status);
		CPPUNIT_ASSERT_EQUAL(std::string("us-1"), config.json()->getObject("cloud")->getValue<std::string>("value"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("second"), config.json()->getObject("client_id")->getValue<std::string>("value"));
		const std::string empty = writeTestFile("empty.ini", "[other]\ncloud = us-1\n", 0644);
		const Run refused = host({"--config", empty, "config"}, Poco::Process::Env{});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(refused), 2, refused.status);
		CPPUNIT_ASSERT_MESSAGE(refused.err, refused.err.find("no settings in a [falcon] section") != std::string::npos);
	}

	void testSecretsOnArgvAreRefused()
	{
		const Run secret =
			host({"--client-secret", "argv-secret-value", "run", "token", "--input", "{}"}, environment(""));
		CPPUNIT_ASSERT_EQUAL(2, secret.status);
		CPPUNIT_ASSERT(secret.err.find("visible to every user of this machine") != std::string::npos);
		CPPUNIT_ASSERT(secret.err.find("FALCON_CLIENT_SECRET, --client-secret-file FILE or --client-secret-stdin")
			!= std::string::npos);
		CPPUNIT_ASSERT(secret.err.find("argv-secret-value") == std::string::npos);
		const Run proxy = host({"--proxy", "http://user:proxy-password@127.0.0.1:3128", "config"}, environment());
		CPPUNIT_ASSERT_EQUAL(2, proxy.status);
		CPPUNIT_ASSERT(proxy.err.find("proxy-password") == std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _emulator->log().entries().size());
	}

	void testSecretFile()
	{
		const std::string shared = writeTestFile("shared-secret", SECRET + "\n", 0644);
		const Run refused = host({"--client-secret-file", shared, "run", "token", "--input", "{}"}, environment(""));
		CPPUNIT_ASSERT_EQUAL(2, refused.status);
		CPPUNIT_ASSERT(
			refused.err.find("is readable by group or others (mode 0644); run chmod 600") != std::string::npos);
		const std::string mine = writeTestFile("private-secret", SECRET + "\n", 0600);
		const Run run = host({"--client-secret-file", mine, "run", "token", "--input", "{}"}, environment(""));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 0, run.status);
		const std::string leaky = writeTestFile("leaky.ini", "[falcon]\nclient_secret = " + SECRET + "\n", 0640);
		const Run config = host({"--config", leaky, "config"}, {});
		CPPUNIT_ASSERT_EQUAL(2, config.status);
		CPPUNIT_ASSERT(config.err.find("--config " + leaky + " is readable by group or others") != std::string::npos);
	}

	void testSecretFromStdin()
	{
		const Run run =
			host({"--client-secret-stdin", "run", "token", "--input", "{}"}, environment(""), SECRET + "\n");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(run), 0, run.status);
		const Run clash = host({"--client-secret-stdin", "run", "token"}, environment(""), SECRET + "\n");
		CPPUNIT_ASSERT_EQUAL(2, clash.status);
		CPPUNIT_ASSERT_EQUAL(2, host({"--client-secret-stdin", "config"}, environment(""), "").status);
	}

	/// Fields come from the plugin's connection schema: each is a config key and a FALCON_<FIELD>
	/// variable, typed as the schema says, and an x-secret one is masked wherever it is shown.
	void testEveryFieldHasItsVariable()
	{
		Poco::Process::Env env = environment();
		env["FALCON_CALL_TIMEOUT_S"] = "7.5";
		env["FALCON_MAX_RETRIES"] = "1";
		env["FALCON_VERIFY_TLS"] = "true";
		env["FALCON_PROXY"] = "http://alice:proxy-pass-word@127.0.0.1:3128";
		const Run config = host({"config"}, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(config), 0, config.status);
		const auto settings = config.json();
		CPPUNIT_ASSERT_EQUAL(7.5, settings->getObject("call_timeout_s")->getValue<double>("value"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("environment"), settings->getObject("call_timeout_s")->getValue<std::string>("from"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("environment"), settings->getObject("max_retries")->getValue<std::string>("from"));
		CPPUNIT_ASSERT_EQUAL(std::string("http://alice:***@127.0.0.1:3128"),
			settings->getObject("proxy")->getValue<std::string>("value"));
		CPPUNIT_ASSERT(config.out.find("proxy-pass-word") == std::string::npos);

		// Typed as the schema says, and refused by name when the text is not of that type.
		env.erase("FALCON_PROXY");
		env["FALCON_CALL_TIMEOUT_S"] = "soon";
		const Run bad = host({"run", "token", "--input", "{}"}, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(bad), 2, bad.status);
		CPPUNIT_ASSERT_MESSAGE(bad.err, bad.err.find("connection.call_timeout_s") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _emulator->log().entries().size());
	}

	/// Exit 2 when the plugin refused the call before sending it (its input or connection), 1
	/// when the call went out and failed, whatever the API's status: a 400 from the API is not a
	/// usage error of ours.
	void testExitStatusSaysWhoRefused()
	{
		const Run refused = host(
			{"--ca-bundle", testDirectory() + "/no-such-bundle.pem", "run", "token", "--input", "{}"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(refused), 2, refused.status);
		CPPUNIT_ASSERT_EQUAL(
			std::string("invalid_input"), refused.json()->getObject("error")->getValue<std::string>("kind"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _emulator->log().entries().size());

		_emulator->faults().add("token=400x1");
		const Run answered = host({"run", "token", "--input", "{}"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label(answered), 1, answered.status);
		CPPUNIT_ASSERT_EQUAL(
			std::string("invalid_input"), answered.json()->getObject("error")->getValue<std::string>("kind"));
		CPPUNIT_ASSERT_EQUAL(400, answered.json()->getValue<int>("status_code"));
	}
};

FALCON_REGISTER_SUITE(HostConfigTest);
