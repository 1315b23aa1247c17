#include "HostTestKit.h"
#include "RedisServer.h"
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
const std::string REDIS_PASSWORD = "host-redis/Pass+word=9";

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
	CPPUNIT_TEST(testFullDiskFallsBackToMemory);
	CPPUNIT_TEST(testConcurrentProcessesMintOnceThroughRedis);
	CPPUNIT_TEST(testRedisPasswordStaysSecret);
	CPPUNIT_TEST(testRedisDownFallsBackToMemory);
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
			threads.emplace_back([&, i] {
				runs[i] = host({"run", "token", "--input", "{}", "--output", "compact"}, env);
			});
		for (auto& thread : threads) thread.join();
		std::vector<std::string> tokens;
		for (const auto& run : runs)
		{
			CPPUNIT_ASSERT_EQUAL_MESSAGE(run.label(), 0, run.status);
			tokens.push_back(accessTokenOf(run));
		}
		return tokens;
	}

	/// The suite's connection with the token cache in `redis`, its password from the environment.
	Poco::Process::Env redisEnvironment(const RedisServer& redis) const
	{
		Poco::Process::Env env = environment();
		env["FALCON_TOKEN_CACHE"] = redis.url();
		env["FALCON_TOKEN_CACHE_PASSWORD"] = REDIS_PASSWORD;
		return env;
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
	HostTokenCacheTest(): HostFixture(CLIENT, SECRET) {}

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

	/// A disk that takes no more bytes, or a file size limit the entry crosses (which would
	/// raise SIGXFSZ): the run succeeds without the store, prints its result, says why once, and
	/// leaves no temporary file behind.
	void testFullDiskFallsBackToMemory()
	{
		const Finished run = runProgram("/bin/bash",
			{"-c", "ulimit -f 0; exec \"$@\"", "bash", FALCON_HOST_BINARY, "run", "token", "--input", "{}", "--output",
				"compact"},
			environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(run.label(), 0, run.status);
		CPPUNIT_ASSERT_MESSAGE(run.err, run.err.find("File too large") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(run.err, run.err.find("goes on without it") != std::string::npos);
		CPPUNIT_ASSERT(run.err.find(accessTokenOf(run)) == std::string::npos);
		CPPUNIT_ASSERT(storeContents().empty());
		const std::string directory = testDirectory() + "/falcon-oauth2";
		if (Poco::File(directory).exists())
		{
			for (Poco::DirectoryIterator it(directory), end; it != end; ++it)
				CPPUNIT_ASSERT_MESSAGE(it.name(), !Poco::endsWith(it.name(), std::string(".tmp")));
		}
	}

	/// The same through Redis: 50 processes, one token request; a second wave sends nothing; a
	/// forced token is its caller's own: the next process still gets the shared one.
	void testConcurrentProcessesMintOnceThroughRedis()
	{
		RedisServer redis(RedisServer::Options{REDIS_PASSWORD, false, {}});
		const auto first = wave(50, redisEnvironment(redis));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), std::set<std::string>(first.begin(), first.end()).size());
		CPPUNIT_ASSERT_EQUAL(1ul, _emulator->log().counters().tokensIssued);
		const auto requestsBefore = _emulator->log().entries().size();
		const auto second = wave(50, redisEnvironment(redis));
		CPPUNIT_ASSERT(second.front() == first.front());
		CPPUNIT_ASSERT_EQUAL(requestsBefore, _emulator->log().entries().size());
		const Finished forced =
			host({"run", "token", "--input", "{\"force\": true}", "--output", "compact"}, redisEnvironment(redis));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(forced.label(), 0, forced.status);
		CPPUNIT_ASSERT(accessTokenOf(forced) != first.front());
		CPPUNIT_ASSERT_EQUAL(first.front(), wave(1, redisEnvironment(redis)).front());
		const std::string stored = redis.dump();
		for (const std::string& secret : {first.front(), accessTokenOf(forced), SECRET, CLIENT})
			CPPUNIT_ASSERT(stored.find(secret) == std::string::npos);
	}

	/// The password comes from the environment or a private file, never from argv, and `config`
	/// shows it masked.
	void testRedisPasswordStaysSecret()
	{
		RedisServer redis(RedisServer::Options{REDIS_PASSWORD, false, {}});
		const std::string inUrl = "redis://:" + REDIS_PASSWORD + "@127.0.0.1:6379/0";
		const Finished refused = host({"--token-cache", inUrl, "run", "token", "--input", "{}"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.label(), 2, refused.status);
		CPPUNIT_ASSERT_MESSAGE(
			refused.label(), refused.out.find("token_cache: a password in the URL is refused") != std::string::npos);
		CPPUNIT_ASSERT(refused.err.find(REDIS_PASSWORD) == std::string::npos
			&& refused.out.find(REDIS_PASSWORD) == std::string::npos);

		// Wherever a store URL is shown, a password in it is masked, however it is encoded; a run
		// refuses it before anything is sent.
		for (const std::string& url : {inUrl, "redis://default%3A" + REDIS_PASSWORD + "@127.0.0.1:6379/0"})
		{
			const Finished config = host({"--token-cache", url, "config"}, environment());
			CPPUNIT_ASSERT_EQUAL_MESSAGE(config.label(), 0, config.status);
			CPPUNIT_ASSERT_MESSAGE(config.out, config.out.find(":***@127.0.0.1:6379/0") != std::string::npos);
			const Finished run = host({"--token-cache", url, "run", "token", "--input", "{}"}, environment());
			CPPUNIT_ASSERT_EQUAL_MESSAGE(run.label(), 2, run.status);
			for (const Finished* output : {&config, &run})
				CPPUNIT_ASSERT_MESSAGE(
					output->label(), (output->out + output->err).find(REDIS_PASSWORD) == std::string::npos);
		}
		const std::string inObject =
			"{\"falcon\": {\"token_cache\": {\"store\": \"redis\", \"url\": \"" + inUrl + "\"}}}";
		const Finished objectShown =
			host({"--config", writeTestFile("redis-url-password.json", inObject), "config"}, environment());
		CPPUNIT_ASSERT_MESSAGE(objectShown.label(), objectShown.out.find(":***@127.0.0.1:6379/0") != std::string::npos);
		CPPUNIT_ASSERT(objectShown.out.find(REDIS_PASSWORD) == std::string::npos);

		const Finished shown = host({"config"}, redisEnvironment(redis));
		const auto password = shown.json()->getObject("token_cache_password");
		CPPUNIT_ASSERT_EQUAL(std::string("***"), password->getValue<std::string>("value"));
		CPPUNIT_ASSERT_EQUAL(std::string("environment"), password->getValue<std::string>("from"));
		CPPUNIT_ASSERT(shown.out.find(REDIS_PASSWORD) == std::string::npos);

		// The object form in a JSON config file: the file must be private; `config` masks the member.
		const std::string object = "{\"falcon\": {\"token_cache\": {\"store\": \"redis\", \"url\": \"" + redis.url()
			+ "\", \"password\": \"" + REDIS_PASSWORD + "\"}}}";
		const std::string open = writeTestFile("redis-open.json", object, 0644);
		const Finished openFile = host({"--config", open, "config"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(openFile.label(), 2, openFile.status);
		CPPUNIT_ASSERT_MESSAGE(openFile.err, openFile.err.find("readable by group or others") != std::string::npos);
		const std::string closed = writeTestFile("redis-private.json", object, 0600);
		const Finished described = host({"--config", closed, "config"}, environment());
		CPPUNIT_ASSERT_EQUAL(std::string("***"),
			described.json()->getObject("token_cache")->getObject("value")->getValue<std::string>("password"));
		CPPUNIT_ASSERT(described.out.find(REDIS_PASSWORD) == std::string::npos);
		const Finished run =
			host({"--config", closed, "run", "token", "--input", "{}", "--output", "compact"}, environment());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(run.label(), 0, run.status);
		CPPUNIT_ASSERT(run.err.empty());
		CPPUNIT_ASSERT_EQUAL(std::string("shared_store"),
			host({"--config", closed, "run", "token", "--input", "{}"}, environment())
				.json()
				->getValue<std::string>("source"));
	}

	/// Nothing listens at the store's address: every run succeeds on its own, warns once with
	/// the address and never the password, and does not wait for the store.
	void testRedisDownFallsBackToMemory()
	{
		Poco::Process::Env env = environment();
		env["FALCON_TOKEN_CACHE"] = "redis://127.0.0.1:1/0";
		env["FALCON_TOKEN_CACHE_PASSWORD"] = REDIS_PASSWORD;
		const Finished run = host({"run", "token", "--input", "{}", "--output", "compact"}, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(run.label(), 0, run.status);
		CPPUNIT_ASSERT_MESSAGE(run.err, run.err.find("Redis store redis://127.0.0.1:1/0") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(
			std::size_t(1), static_cast<std::size_t>(std::count(run.err.begin(), run.err.end(), '\n')));
		CPPUNIT_ASSERT(
			run.err.find(REDIS_PASSWORD) == std::string::npos && run.err.find(accessTokenOf(run)) == std::string::npos);
	}
};

FALCON_REGISTER_SUITE(HostTokenCacheTest);
