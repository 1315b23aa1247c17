#include "HostTestKit.h"
#include "SuiteDriver.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <set>
#include <thread>

using namespace Falcon::Testing;

namespace {

const std::string CLIENT = "tokencacheclient0123456789abcdef";
const std::string SECRET = "token-cache/Secret+value=3";

std::string accessTokenOf(const Finished& run)
{
	const auto json = run.json();
	return json ? json->getObject("body")->getValue<std::string>("access_token") : std::string();
}

} // namespace

/// falcon-host's default shared token store: processes started one per call, as engines start
/// them, share one token through it.
class HostTokenCacheTest: public HostFixture
{
	CPPUNIT_TEST_SUITE(HostTokenCacheTest);
	CPPUNIT_TEST(testConcurrentProcessesMintOnce);
	CPPUNIT_TEST(testMemoryStoreMintsPerProcess);
	CPPUNIT_TEST(testRevokedTokenIsNotServed);
	CPPUNIT_TEST(testConfigShowsTheDefault);
	CPPUNIT_TEST_SUITE_END();

	/// The client's home is us-2 and the processes are pointed at us-1: each mint follows a 308.
	Falcon::Emulator::EmulatorOptions emulatorOptions() const override
	{
		Falcon::Emulator::EmulatorOptions options;
		options.clouds = {"us-1", "us-2"};
		options.clients.add({CLIENT, SECRET, "us-2", {}, {}});
		return options;
	}

	/// `count` falcon-host processes started at once; their tokens.
	std::vector<std::string> wave(std::size_t count, const Poco::Process::Env& env) const
	{
		std::vector<Finished> runs(count);
		std::vector<std::thread> threads;
		for (std::size_t i = 0; i < count; ++i)
			threads.emplace_back([&, i] { runs[i] = host({"run", "token", "--input", "{}", "--output", "compact"}, env); });
		for (auto& thread : threads) thread.join();
		std::vector<std::string> tokens;
		for (const auto& run : runs)
		{
			CPPUNIT_ASSERT_EQUAL_MESSAGE(run.label(), 0, run.status);
			tokens.push_back(accessTokenOf(run));
		}
		return tokens;
	}

	std::string storeContents() const
	{
		std::string all;
		const std::string directory = testDirectory() + "/falcon-oauth2";
		if (!Poco::File(directory).exists()) return all;
		for (Poco::DirectoryIterator it(directory), end; it != end; ++it)
		{
			Poco::FileInputStream in(it->path());
			Poco::StreamCopier::copyToString(in, all);
		}
		return all;
	}

public:
	HostTokenCacheTest():
		HostFixture(CLIENT, SECRET) {}

	void setUp() override
	{
		HostFixture::setUp();
		const std::string directory = testDirectory() + "/falcon-oauth2";
		if (Poco::File(directory).exists()) Poco::File(directory).remove(true);
	}

	void testConcurrentProcessesMintOnce()
	{
		const auto first = wave(50, environment());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), std::set<std::string>(first.begin(), first.end()).size());
		CPPUNIT_ASSERT_EQUAL(1ul, _emulator->log().counters().tokensIssued);
		// A second wave sends nothing at all: no token request, no 308 hop.
		const auto requestsBefore = _emulator->log().entries().size();
		const auto second = wave(50, environment());
		CPPUNIT_ASSERT(second.front() == first.front());
		CPPUNIT_ASSERT_EQUAL(requestsBefore, _emulator->log().entries().size());
		// The store holds the token sealed.
		const std::string stored = storeContents();
		CPPUNIT_ASSERT(!stored.empty());
		CPPUNIT_ASSERT(stored.find(first.front()) == std::string::npos);
		CPPUNIT_ASSERT(stored.find(SECRET) == std::string::npos);
	}

	void testMemoryStoreMintsPerProcess()
	{
		Poco::Process::Env env = environment();
		env["FALCON_TOKEN_CACHE"] = "memory";
		const auto tokens = wave(3, env);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), std::set<std::string>(tokens.begin(), tokens.end()).size());
		CPPUNIT_ASSERT_EQUAL(3ul, _emulator->log().counters().tokensIssued);
		CPPUNIT_ASSERT(!Poco::File(testDirectory() + "/falcon-oauth2").exists() || storeContents().empty());
	}

	void testRevokedTokenIsNotServed()
	{
		const std::string token = wave(1, environment()).front();
		const Finished revoke = host({"run", "revoke", "--input", "{\"token\": \"" + token + "\"}"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(revoke.label(), 0, revoke.status);
		const std::string next = wave(1, environment()).front();
		CPPUNIT_ASSERT(next != token);
		CPPUNIT_ASSERT_EQUAL(2ul, _emulator->log().counters().tokensIssued);
	}

	void testConfigShowsTheDefault()
	{
		const Finished config = host({"config"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(config.label(), 0, config.status);
		const auto setting = config.json()->getObject("token_cache");
		CPPUNIT_ASSERT_EQUAL(std::string("file"), setting->getValue<std::string>("value"));
		CPPUNIT_ASSERT_EQUAL(std::string("falcon-host default"), setting->getValue<std::string>("from"));
		const Finished flag = host({"--token-cache", "memory", "config"}, environment());
		CPPUNIT_ASSERT_EQUAL(std::string("flag"), flag.json()->getObject("token_cache")->getValue<std::string>("from"));
		const Finished bad = host({"--token-cache", "disk", "run", "token", "--input", "{}"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(bad.label(), 2, bad.status);
		CPPUNIT_ASSERT_MESSAGE(bad.err, bad.err.find("connection.token_cache") != std::string::npos);
	}
};

FALCON_REGISTER_SUITE(HostTokenCacheTest);
