#include "PluginTestKit.h"
#include "SuiteDriver.h"

#include "falcon/plugin/falcon_plugin.h"
#include "TestDirectory.h"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

using namespace Falcon::Testing;

/// The C interface as a C program uses it: dlopen, describe, invoke both actions, bad action,
/// malformed JSON, NULLs, free. The program prints what it got; this suite reads it.
class CAbiTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CAbiTest);
	CPPUNIT_TEST(testCHostDrivesTheModule);
	CPPUNIT_TEST(testThreadsInProcessesMintOnce);
	CPPUNIT_TEST_SUITE_END();

public:
	void testCHostDrivesTheModule()
	{
		auto emulator = startEmulator();
		std::ostringstream connection;
		connectionFor(*emulator)->stringify(connection);

		Poco::Pipe outPipe;
		Poco::ProcessHandle handle =
			Poco::Process::launch(FALCON_C_HOST, {FALCON_PLUGIN_MODULE, connection.str()}, nullptr, &outPipe, nullptr);
		Poco::PipeInputStream in(outPipe);
		std::map<std::string, Poco::JSON::Object::Ptr> results;
		for (std::string line; std::getline(in, line);)
		{
			const auto tab = line.find('\t');
			CPPUNIT_ASSERT_MESSAGE(line, tab != std::string::npos);
			results[line.substr(0, tab)] = jsonObject(line.substr(tab + 1));
		}
		CPPUNIT_ASSERT_EQUAL(0, handle.wait());
		CPPUNIT_ASSERT_EQUAL(std::size_t(10), results.size());

		const auto describe = results["describe"];
		CPPUNIT_ASSERT_EQUAL(FALCON_PLUGIN_API_VERSION, describe->getObject("plugin")->getValue<int>("api_version"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), describe->getArray("actions")->size());
		CPPUNIT_ASSERT_EQUAL(std::string("oauth2AccessToken"),
			describe->getArray("actions")->getObject(0)->getValue<std::string>("operation_id"));
		CPPUNIT_ASSERT(describe->getObject("connection_schema")->getObject("properties")->has("client_secret"));

		CPPUNIT_ASSERT_EQUAL(201, results["token"]->getValue<int>("status_code"));
		CPPUNIT_ASSERT(!results["token"]->getValue<bool>("cached"));
		CPPUNIT_ASSERT(results["token-cached"]->getValue<bool>("cached"));
		CPPUNIT_ASSERT(!results["token-forced"]->getValue<bool>("cached"));
		CPPUNIT_ASSERT_EQUAL(200, results["revoke"]->getValue<int>("status_code"));
		CPPUNIT_ASSERT_EQUAL(2ul, emulator->log().counters().tokenRequests);

		const auto unknown = results["unknown-action"];
		CPPUNIT_ASSERT_EQUAL(418, unknown->getValue<int>("status_code"));
		CPPUNIT_ASSERT_EQUAL(std::string("Invalid API operation specified."),
			unknown->getObject("error")->getValue<std::string>("message"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), unknown->getObject("body")->getArray("resources")->size());
		for (const char* refused : {"malformed-input", "malformed-connection", "null-input"})
		{
			CPPUNIT_ASSERT_EQUAL_MESSAGE(refused, 400, results[refused]->getValue<int>("status_code"));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(refused, std::string("invalid_input"),
				results[refused]->getObject("error")->getValue<std::string>("kind"));
		}
		CPPUNIT_ASSERT_EQUAL(std::string("input: not valid JSON"),
			results["malformed-input"]->getObject("error")->getValue<std::string>("message"));
		CPPUNIT_ASSERT_EQUAL(std::string("connection: not valid JSON"),
			results["malformed-connection"]->getObject("error")->getValue<std::string>("message"));
		CPPUNIT_ASSERT_EQUAL(418, results["null-action"]->getValue<int>("status_code"));
	}

	/// 6 C processes of 8 threads each, sharing a file token store: one token request in all,
	/// one token for every thread.
	void testThreadsInProcessesMintOnce()
	{
		auto emulator = startEmulator();
		Poco::JSON::Object::Ptr settings = connectionFor(*emulator);
		settings->set("token_cache", "file:" + testDirectory() + "/c-abi-store");
		std::ostringstream connection;
		settings->stringify(connection);
		std::vector<std::thread> processes;
		std::vector<std::vector<std::string>> lines(6);
		for (std::size_t p = 0; p < lines.size(); ++p)
		{
			processes.emplace_back([&, p] {
				Poco::Pipe outPipe;
				Poco::ProcessHandle handle = Poco::Process::launch(
					FALCON_C_HOST, {FALCON_PLUGIN_MODULE, connection.str(), "8"}, nullptr, &outPipe, nullptr);
				Poco::PipeInputStream in(outPipe);
				for (std::string line; std::getline(in, line);) lines[p].push_back(line);
				handle.wait();
			});
		}
		for (auto& process : processes) process.join();
		std::set<std::string> tokens;
		for (const auto& process : lines)
		{
			CPPUNIT_ASSERT_EQUAL(std::size_t(8), process.size());
			for (const auto& line : process)
			{
				const auto result = jsonObject(line.substr(line.find('\t') + 1));
				CPPUNIT_ASSERT_EQUAL_MESSAGE(line, 201, result->getValue<int>("status_code"));
				tokens.insert(result->getObject("body")->getValue<std::string>("access_token"));
			}
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tokens.size());
		CPPUNIT_ASSERT_EQUAL(1ul, emulator->log().counters().tokenRequests);
	}
};

FALCON_REGISTER_SUITE(CAbiTest);
