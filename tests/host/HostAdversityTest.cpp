#include "FalconEmulator.h"
#include "ChildProcess.h"
#include "HostTestKit.h"
#include "SuiteDriver.h"
#include "TestDirectory.h"

#include <Poco/FileStream.h>
#include <Poco/Process.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>

#include <fstream>
#include <thread>

using namespace Falcon::Testing;
using namespace std::chrono;

namespace {

const std::string CLIENT = "adversityclient0123456789abcdef0";
const std::string SECRET = "adversity/Secret+value=2";
/// A secret typed where an option's value goes: it must never be printed back.
const std::string TYPO_SECRET = "Typo-Secret-7731-echo";
const std::string PROXY_PASSWORD = "Adversity-proxy-Pa55";

} // namespace

/// falcon-host against what a careless or hostile user, file or environment hands it: values
/// typed into the wrong option, files that are not files or never end, output nobody can take,
/// configuration values of the wrong type, proxies that must be bypassed, and core dumps.
class HostAdversityTest: public HostFixture
{
	CPPUNIT_TEST_SUITE(HostAdversityTest);
	CPPUNIT_TEST(testOptionErrorsNeverEchoValues);
	CPPUNIT_TEST(testReadsAreBoundedByTypeAndSize);
	CPPUNIT_TEST(testTerminalOrEmptyStdinIsNoInput);
	CPPUNIT_TEST(testResultThatCannotBeWrittenIsAnError);
	CPPUNIT_TEST(testJsonConfigValuesKeepTheirTypes);
	CPPUNIT_TEST(testOneRuleOneMessage);
	CPPUNIT_TEST(testCloudSpellings);
	CPPUNIT_TEST(testNoProxyIsHonoured);
	CPPUNIT_TEST(testConfigShowsDefaultsAndMasksOnlyTheProxyPassword);
	CPPUNIT_TEST(testNoCoreDumps);
	CPPUNIT_TEST_SUITE_END();

	/// Runs falcon-host through the shell, for redirections the test runner cannot make.
	static Finished shell(const std::string& commandLine, const Poco::Process::Env& env)
	{
		return runProgram("/bin/sh", {"-c", commandLine, FALCON_HOST_BINARY}, env, "", {}, testDirectory());
	}

	static void assertRefused(const Finished& run, const std::string& expected)
	{
		CPPUNIT_ASSERT_EQUAL_MESSAGE(run.label(), 2, run.status);
		CPPUNIT_ASSERT_MESSAGE(
			"expected '" + expected + "' in: " + run.label(), run.err.find(expected) != std::string::npos);
	}

public:
	HostAdversityTest(): HostFixture(CLIENT, SECRET) {}

	void testOptionErrorsNeverEchoValues()
	{
		const std::vector<std::pair<std::string, std::string>> typos = {{"--secret=" + TYPO_SECRET, "--secret"},
			{"--clientsecret=" + TYPO_SECRET, "--clientsecret"}, {"--client-secre=" + TYPO_SECRET, "--client-secre"},
			{"--client-secret-file=" + TYPO_SECRET, "--client-secret-file"}};
		for (const auto& typo : typos)
		{
			const Finished run = host({typo.first, "run", "token", "--input", "{}"}, environment());
			assertRefused(run, typo.second);
			CPPUNIT_ASSERT_MESSAGE(run.label(), (run.out + run.err).find(TYPO_SECRET) == std::string::npos);
		}
	}

	void testReadsAreBoundedByTypeAndSize()
	{
		const std::string directory = testDirectory() + "/a-directory";
		::mkdir(directory.c_str(), 0700);
		const std::string fifo = testDirectory() + "/a-fifo";
		::mkfifo(fifo.c_str(), 0600);
		const std::string huge =
			writeTestFile("huge.json", "{\"force\": true, \"pad\": \"" + std::string(2 * 1024 * 1024, 'x') + "\"}");
		const std::string workflow =
			writeTestFile("huge.yaml", "version: 1\n# " + std::string(2 * 1024 * 1024, 'x') + "\n");
		const Poco::Process::Env env = environment();
		assertRefused(host({"run", "token", "--input-file", directory}, env), "a directory, not a file");
		assertRefused(host({"run", "token", "--input-file", fifo}, env), "a FIFO, not a file");
		assertRefused(host({"run", "token", "--input-file", "/dev/zero"}, env), "a device, not a file");
		assertRefused(host({"run", "token", "--input-file", huge}, env), "larger than the limit of 1048576 bytes");
		assertRefused(host({"run", "token"}, env, std::string(3 * 1024 * 1024, '0')),
			"stdin: larger than the limit of 1048576 bytes");
		assertRefused(
			host({"--config", directory, "config"}, env), "--config " + directory + ": a directory, not a file");
		assertRefused(host({"--config", "/dev/zero", "config"}, env), "--config /dev/zero: a device, not a file");
		assertRefused(host({"--config", fifo, "config"}, env), "a FIFO, not a file");
		assertRefused(
			host({"--client-secret-file", directory, "config"}, env), "--client-secret-file: a directory, not a file");
		assertRefused(host({"--client-secret-stdin", "config"}, env, std::string(100 * 1024, 's')),
			"--client-secret-stdin: larger than the limit");
		assertRefused(host({"workflow", "check", directory}, env), directory + ": a directory, not a file");
		assertRefused(host({"workflow", "check", fifo}, env), "a FIFO, not a file");
		assertRefused(host({"workflow", "check", workflow}, env), "larger than the limit of 1048576 bytes");
	}

	void testTerminalOrEmptyStdinIsNoInput()
	{
		const Finished empty = host({"run", "token"}, environment(), "");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(empty.label(), 0, empty.status);
		// A terminal on stdin: nobody is typing JSON there; script(1) would be the only way to
		// give one here, so the check is that a closed, empty stdin reads as {} and blanks too.
		const Finished blank = host({"run", "token"}, environment(), " \n\t\n");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(blank.label(), 0, blank.status);
	}

	void testResultThatCannotBeWrittenIsAnError()
	{
		for (const std::string& command :
			{std::string("run token --input '{}'"), std::string("describe token"), std::string("list")})
		{
			const Finished run = shell("\"$0\" " + command + " > /dev/full", environment());
			CPPUNIT_ASSERT_EQUAL_MESSAGE(command + ": " + run.label(), 74, run.status);
			CPPUNIT_ASSERT_MESSAGE(
				run.label(), run.err.find("cannot write the result to standard output") != std::string::npos);
			// A file size limit the result crosses: the write fails (no SIGXFSZ kills the run).
			const Finished limited = shell("ulimit -f 0; \"$0\" " + command + " > result.out", environment());
			CPPUNIT_ASSERT_EQUAL_MESSAGE(command + " (ulimit -f 0): " + limited.label(), 74, limited.status);
			CPPUNIT_ASSERT_MESSAGE(
				limited.label(), limited.err.find("cannot write the result to standard output") != std::string::npos);
		}
	}

	void testJsonConfigValuesKeepTheirTypes()
	{
		const Poco::Process::Env env = environment();
		auto config = [&](const std::string& name, const std::string& json) {
			return host({"--config", writeTestFile(name, json), "run", "token", "--input", "{}"}, env);
		};
		assertRefused(config("string-bool.json", R"({"falcon": {"verify_tls": "no"}})"),
			"connection.verify_tls: must be of type boolean");
		assertRefused(config("number-text.json", R"({"falcon": {"user_agent": 123}})"),
			"connection.user_agent: must be of type string");
		assertRefused(config("array.json", "[]"), "expected a JSON object with a \"falcon\" object");
		assertRefused(config("null.json", R"({"falcon": {"call_timeout_s": null}})"), "falcon.call_timeout_s is null");
		assertRefused(config("object.json", R"({"falcon": {"cloud": {"name": "us-1"}}})"), "connection.cloud: ");
		const Finished typed =
			config("typed.json", R"({"falcon": {"verify_tls": true, "call_timeout_s": 5, "max_retries": 1}})");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(typed.label(), 0, typed.status);
	}

	void testOneRuleOneMessage()
	{
		const Finished tiny = host({"--timeout", "0.0001", "run", "token", "--input", "{}"}, environment());
		assertRefused(tiny, "connection.call_timeout_s: ");
		CPPUNIT_ASSERT_MESSAGE(tiny.label(), tiny.err.find("call_timeout:") == std::string::npos);
	}

	void testCloudSpellings()
	{
		// base_url wins over cloud, so these reach the emulator whatever cloud they name.
		for (const std::string spelling : {"US2", "us2", "Us-2", "usgov1", "US-GOV-2", "gov1", "eu_1"})
		{
			const Finished run = host({"--cloud", spelling, "run", "token", "--input", "{}"}, environment());
			CPPUNIT_ASSERT_EQUAL_MESSAGE(spelling + ": " + run.label(), 0, run.status);
		}
		assertRefused(host({"--cloud", "mars-1", "run", "token", "--input", "{}"}, environment()),
			"connection.cloud: must be one of us-1, us-2, us-3, eu-1, us-gov-1, us-gov-2, auto");
	}

	void testNoProxyIsHonoured()
	{
		// Nothing listens at the proxy: a call through it would fail.
		Poco::Process::Env env = environment();
		env["HTTPS_PROXY"] = "http://127.0.0.1:1";
		env["NO_PROXY"] = "127.0.0.1";
		const Finished bypassed = host({"run", "token", "--input", "{}", "--timeout", "5"}, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(bypassed.label(), 0, bypassed.status);
	}

	void testConfigShowsDefaultsAndMasksOnlyTheProxyPassword()
	{
		Poco::Process::Env env = environment();
		env["HTTPS_PROXY"] = "http://proxyuser:" + PROXY_PASSWORD + "@127.0.0.1:3128";
		const Finished config = host({"config"}, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(config.label(), 0, config.status);
		const auto settings = config.json();
		CPPUNIT_ASSERT_EQUAL(std::string("http://proxyuser:***@127.0.0.1:3128"),
			settings->getObject("proxy")->getValue<std::string>("value"));
		CPPUNIT_ASSERT_EQUAL(60.0, settings->getObject("call_timeout_s")->getValue<double>("value"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("default"), settings->getObject("call_timeout_s")->getValue<std::string>("from"));
		CPPUNIT_ASSERT_EQUAL(std::string("***"), settings->getObject("client_secret")->getValue<std::string>("value"));
		CPPUNIT_ASSERT(
			config.out.find(PROXY_PASSWORD) == std::string::npos && config.out.find(SECRET) == std::string::npos);
	}

	void testNoCoreDumps()
	{
		// The run waits 3 s for the emulator's answer; its limits are read until they show the
		// refusal (soft and hard 0) or that wait is over: a slow start under load cannot fail it,
		// a run that never lowers them does.
		_emulator->faults().add("token=delay-headers:3000");
		std::string limits;
		const auto refused = [&limits] {
			return limits.find(" 0 ") != std::string::npos && limits.find("unlimited") == std::string::npos;
		};
		const auto readLimits = [&limits, &refused](pid_t child) {
			const auto deadline = steady_clock::now() + milliseconds(2500);
			do
			{
				std::ifstream in("/proc/" + std::to_string(child) + "/limits");
				for (std::string line; std::getline(in, line);)
				{
					if (line.rfind("Max core file size", 0) == 0) limits = line;
				}
				if (refused()) return;
				std::this_thread::sleep_for(milliseconds(20));
			} while (steady_clock::now() < deadline);
		};
		host({"run", "token", "--input", "{}"}, environment(), readLimits);
		CPPUNIT_ASSERT_MESSAGE(limits, refused());
	}
};

FALCON_REGISTER_SUITE(HostAdversityTest);
