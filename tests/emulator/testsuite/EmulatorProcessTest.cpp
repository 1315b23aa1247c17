#include "EmulatorTestKit.h"
#include "ChildProcess.h"
#include "SuiteDriver.h"
#include "TestDirectory.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace Falcon::Testing;
using namespace std::chrono;

namespace {

Finished run(const std::vector<std::string>& arguments, const WhileRunning& whileRunning = {})
{
	return runProgram(FALCON_EMULATOR_BINARY, arguments, {}, "", whileRunning);
}

/// Waits (up to 20 s) until `child` blocks `signal`, as the emulator does first thing in main:
/// sent before that, a stop signal kills a process still loading instead of stopping it.
void untilBlocked(pid_t child, int signal)
{
	const auto until = steady_clock::now() + seconds(20);
	do
	{
		std::ifstream status("/proc/" + std::to_string(child) + "/status");
		for (std::string line; std::getline(status, line);)
		{
			if (line.rfind("SigBlk:", 0) == 0 && (std::stoull(line.substr(7), nullptr, 16) >> (signal - 1) & 1)) return;
		}
		std::this_thread::sleep_for(milliseconds(10));
	} while (steady_clock::now() < until);
}

} // namespace

/// The falcon-emulator binary: help, refusals, start-up report, serving, and clean shutdown.
class EmulatorProcessTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(EmulatorProcessTest);
	CPPUNIT_TEST(testHelp);
	CPPUNIT_TEST(testBadArguments);
	CPPUNIT_TEST(testBadClientsFile);
	CPPUNIT_TEST(testServesAndStopsOnSigterm);
	CPPUNIT_TEST(testPrintsTheEnvironmentOfAClient);
	CPPUNIT_TEST(testDetachesOnceListening);
	CPPUNIT_TEST(testDetachReportsAFailedStart);
	CPPUNIT_TEST_SUITE_END();

	/// NAME='VALUE' lines of a shell environment.
	static std::map<std::string, std::string> shellVariables(std::istream& in)
	{
		std::map<std::string, std::string> variables;
		for (std::string line; std::getline(in, line);)
		{
			const auto equals = line.find("='");
			if (equals != std::string::npos)
				variables[line.substr(0, equals)] = line.substr(equals + 2, line.size() - equals - 3);
			else if (line.rfind("FALCON_EMULATOR_PID=", 0) == 0) variables["FALCON_EMULATOR_PID"] = line.substr(20);
		}
		return variables;
	}

	/// Whether `pid` is a live process (a zombie is not).
	static bool alive(pid_t pid)
	{
		std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
		std::string text;
		std::getline(stat, text);
		const auto state = text.rfind(") ");
		return state != std::string::npos && text[state + 2] != 'Z';
	}

	/// While it lives, orphaned descendants (a detached emulator) become this process's
	/// children, so that the test can collect their exit status; it collects those left when it
	/// ends, rather than leaving zombies to an init that may not collect them.
	struct SubreaperScope
	{
		SubreaperScope() { ::prctl(PR_SET_CHILD_SUBREAPER, 1); }
		~SubreaperScope()
		{
			const auto until = steady_clock::now() + seconds(10);
			for (pid_t pid; (pid = ::waitpid(-1, nullptr, WNOHANG)) >= 0 && steady_clock::now() < until;)
				if (pid == 0) std::this_thread::sleep_for(milliseconds(20));
			::prctl(PR_SET_CHILD_SUBREAPER, 0);
		}
	};

public:
	void testHelp()
	{
		const Finished finished = run({"--help"});
		CPPUNIT_ASSERT_EQUAL(0, finished.status);
		for (const char* option : {"--clients", "--clouds", "--port", "--plain", "--fault", "--expires-in",
				 "--rate-limit", "--retry-after-ms", "--ready-file"})
			CPPUNIT_ASSERT_MESSAGE(option, finished.out.find(option) != std::string::npos);
	}

	void testBadArguments()
	{
		Finished finished = run({"--port=99999"});
		CPPUNIT_ASSERT_EQUAL(64, finished.status);
		CPPUNIT_ASSERT(
			finished.err.find("--port: expected a whole number from 0 to 65535, got '99999'") != std::string::npos);
		finished = run({"--clouds=us-1,mars-9"});
		CPPUNIT_ASSERT_EQUAL(64, finished.status);
		CPPUNIT_ASSERT(finished.err.find("unknown cloud 'mars-9'") != std::string::npos);
		finished = run({"--fault=token=418"});
		CPPUNIT_ASSERT_EQUAL(64, finished.status);
		CPPUNIT_ASSERT(finished.err.find("status 418") != std::string::npos);
		finished = run({"--no-such-option"});
		CPPUNIT_ASSERT_EQUAL(64, finished.status);
		// Only loopback and the benchmarking range a test gives its own namespaces are listened on.
		for (const char* address : {"10.0.0.1", "0.0.0.0", "198.20.0.1", "::"})
		{
			finished = run({std::string("--bind=") + address});
			CPPUNIT_ASSERT_EQUAL(64, finished.status);
			CPPUNIT_ASSERT_MESSAGE(
				finished.err, finished.err.find("--bind: expected an IPv4 address") != std::string::npos);
		}
	}

	void testBadClientsFile()
	{
		const std::string path = writeTestFile("bad-clients.json", "{\"clients\": [{\"client_id\": \"x\"}]}");
		const Finished finished = run({"--clients=" + path});
		CPPUNIT_ASSERT_EQUAL(64, finished.status);
		CPPUNIT_ASSERT(
			finished.err.find("clients[0].client_secret: a non-empty string is required") != std::string::npos);
		const Finished missing = run({"--clients=/nonexistent.json"});
		CPPUNIT_ASSERT_EQUAL(64, missing.status);
		CPPUNIT_ASSERT(missing.err.find("/nonexistent.json") != std::string::npos);
	}

	void testServesAndStopsOnSigterm()
	{
		const std::string clients = writeTestFile("clients.json",
			"{\"clients\": [{\"client_id\": \"" + US1_CLIENT + "\", \"client_secret\": \"" + US1_SECRET
				+ "\", \"cloud\": \"us-1\"}]}");
		const std::string ready = testDirectory() + "/ready.json";
		int tokenStatus = 0;
		const Finished finished = run({"--clients=" + clients, "--clouds=us-1,us-2", "--ready-file=" + ready,
										  "--tls-dir=" + testDirectory() + "/process-tls"},
			[&](pid_t child) {
				const auto until = steady_clock::now() + seconds(20);
				while (!Poco::File(ready).exists() && steady_clock::now() < until)
					std::this_thread::sleep_for(milliseconds(20));
				if (Poco::File(ready).exists())
				{
					Poco::FileInputStream in(ready);
					Poco::JSON::Parser parser;
					const auto info = parser.parse(in).extract<Poco::JSON::Object::Ptr>();
					RawClient client(info->getObject("clouds")->getValue<std::string>("us-1"),
						info->getValue<std::string>("ca_file"));
					tokenStatus = client.token(US1_CLIENT, US1_SECRET).status;
				}
				::kill(child, SIGTERM);
			});
		CPPUNIT_ASSERT_EQUAL(201, tokenStatus);
		CPPUNIT_ASSERT_EQUAL(0, finished.status);
		CPPUNIT_ASSERT(finished.out.find("falcon-emulator: us-1 https://127.0.0.1:") != std::string::npos);
		CPPUNIT_ASSERT(finished.out.find("falcon-emulator: us-2 https://127.0.0.1:") != std::string::npos);
		CPPUNIT_ASSERT(finished.out.find("falcon-emulator: CA file ") != std::string::npos);
		CPPUNIT_ASSERT(finished.out.find("stopped after 1 token request(s)") != std::string::npos);
		CPPUNIT_ASSERT(finished.out.find(US1_SECRET) == std::string::npos);
	}

	/// --print-env FILE: four variables a shell takes, for a client made up on the spot, that get
	/// a token; FILE readable by its owner only. --print-env -: the same lines on standard output,
	/// the report on standard error.
	void testPrintsTheEnvironmentOfAClient()
	{
		const std::string file = testDirectory() + "/falcon.env";
		std::map<std::string, std::string> variables;
		int tokenStatus = 0;
		unsigned mode = 0;
		const Finished finished = run(
			{"--print-env=" + file, "--clouds=us-1", "--tls-dir=" + testDirectory() + "/env-tls"}, [&](pid_t child) {
				const auto until = steady_clock::now() + seconds(20);
				while (!Poco::File(file).exists() && steady_clock::now() < until)
					std::this_thread::sleep_for(milliseconds(20));
				if (Poco::File(file).exists())
				{
					struct stat status
					{
					};
					::stat(file.c_str(), &status);
					mode = status.st_mode & 0777;
					Poco::FileInputStream in(file);
					variables = shellVariables(in);
					RawClient client(variables["FALCON_BASE_URL"], variables["FALCON_CA_BUNDLE"]);
					tokenStatus = client.token(variables["FALCON_CLIENT_ID"], variables["FALCON_CLIENT_SECRET"]).status;
				}
				::kill(child, SIGTERM);
			});
		CPPUNIT_ASSERT_EQUAL(0, finished.status);
		CPPUNIT_ASSERT_EQUAL(0600u, mode);
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), variables.size());
		CPPUNIT_ASSERT_EQUAL(201, tokenStatus);
		CPPUNIT_ASSERT(finished.out.find(variables["FALCON_CLIENT_SECRET"]) == std::string::npos);

		const Finished toStdout = run({"--print-env=-", "--clouds=us-1", "--plain"}, [](pid_t child) {
			untilBlocked(child, SIGTERM);
			::kill(child, SIGTERM);
		});
		CPPUNIT_ASSERT_EQUAL(0, toStdout.status);
		CPPUNIT_ASSERT_MESSAGE(toStdout.out, toStdout.out.rfind("FALCON_CLIENT_ID='", 0) == 0);
		CPPUNIT_ASSERT(toStdout.out.find("FALCON_BASE_URL='http://127.0.0.1:") != std::string::npos);
		CPPUNIT_ASSERT(toStdout.out.find("FALCON_CA_BUNDLE") == std::string::npos); // plain HTTP: no CA
		CPPUNIT_ASSERT(toStdout.out.find("falcon-emulator:") == std::string::npos);
		CPPUNIT_ASSERT(toStdout.err.find("falcon-emulator: us-1 http://127.0.0.1:") != std::string::npos);
	}

	/// --detach returns once the emulator listens, with the environment and the emulator's PID on
	/// standard output (what `eval "$(falcon-emulator --detach)"` takes); the emulator serves in
	/// the background until SIGTERM.
	void testDetachesOnceListening()
	{
		SubreaperScope subreaper;
		const auto started = steady_clock::now();
		const Finished finished = run({"--detach", "--clouds=us-1", "--tls-dir=" + testDirectory() + "/detach-tls"});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(finished.err, 0, finished.status);
		CPPUNIT_ASSERT(steady_clock::now() - started < seconds(20));
		std::istringstream out(finished.out);
		auto variables = shellVariables(out);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(finished.out, std::size_t(5), variables.size());
		CPPUNIT_ASSERT(finished.out.find("export FALCON_EMULATOR_PID") != std::string::npos);
		const pid_t emulator = static_cast<pid_t>(std::stoi(variables["FALCON_EMULATOR_PID"]));
		CPPUNIT_ASSERT(alive(emulator));
		RawClient client(variables["FALCON_BASE_URL"], variables["FALCON_CA_BUNDLE"]);
		const int status = client.token(variables["FALCON_CLIENT_ID"], variables["FALCON_CLIENT_SECRET"]).status;
		::kill(emulator, SIGTERM);
		int exitStatus = -1;
		const auto until = steady_clock::now() + seconds(10);
		while (::waitpid(emulator, &exitStatus, WNOHANG) == 0 && steady_clock::now() < until)
			std::this_thread::sleep_for(milliseconds(20));
		CPPUNIT_ASSERT_EQUAL(201, status);
		CPPUNIT_ASSERT(!alive(emulator));
		CPPUNIT_ASSERT(WIFEXITED(exitStatus) && WEXITSTATUS(exitStatus) == 0); // a clean stop on SIGTERM
	}

	/// An emulator that cannot listen (its port taken) leaves nothing behind: the command says so
	/// and fails.
	void testDetachReportsAFailedStart()
	{
		SubreaperScope subreaper;
		Poco::Net::ServerSocket taken;
		taken.bind(Poco::Net::SocketAddress("127.0.0.1", 0), false, false); // nobody may share it
		taken.listen();
		const Finished finished =
			run({"--detach", "--clouds=us-1", "--plain", "--port=" + std::to_string(taken.address().port())});
		CPPUNIT_ASSERT(finished.status != 0);
		CPPUNIT_ASSERT(finished.out.empty());
		CPPUNIT_ASSERT_MESSAGE(finished.err, finished.err.find("falcon-emulator: did not start") != std::string::npos);
	}
};

FALCON_REGISTER_SUITE(EmulatorProcessTest);
