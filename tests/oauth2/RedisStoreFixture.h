#pragma once

#include "RedisServer.h"
#include "SharedStoreContract.h"
#include "TestDirectory.h"

#include "falcon/oauth2/store/EntrySeal.h"

#include <Poco/String.h>

#include <memory>

namespace Falcon {
namespace Testing {

inline const std::string REDIS_PASSWORD = "redis/Pass+word=7";
inline const std::string KEY_PREFIX = "tenant-a:";

/// The shared-store contract against a real redis-server of the suite's own (with a password, as
/// it should be deployed): how the contract reaches the entries, and what a fallback must look
/// like. A suite says how its server is set up (serverOptions) and adds its own tests.
class RedisStoreFixture: public SharedStoreContract
{
public:
	void setUp() override { _redis = std::make_unique<RedisServer>(serverOptions()); }
	void tearDown() override { _redis.reset(); }

protected:
	virtual RedisServer::Options serverOptions() const { return RedisServer::Options{REDIS_PASSWORD, false, {}}; }

	std::unique_ptr<RedisServer> _redis;

	std::string entryKey()
	{
		const std::string keys = _redis
									 ->command({"EVAL", "return table.concat(redis.call('KEYS', ARGV[1]), ' ')", "0",
										 KEY_PREFIX + "falcon-oauth2-*"})
									 .text;
		// The lock's key ends in ":lock"; a token's record is named after the token; the entry is the other.
		std::size_t start = 0;
		while (start < keys.size())
		{
			const std::size_t end = std::min(keys.find(' ', start), keys.size());
			const std::string key = keys.substr(start, end - start);
			if (!Poco::endsWith(key, std::string(":lock")) && key.find("falcon-oauth2-token-") == std::string::npos)
				return key;
			start = end + 1;
		}
		return {};
	}

	void useStore(OAuth2::ClientConfig& config) override
	{
		config.tokenCache.store = OAuth2::TokenCacheSettings::Store::Redis;
		config.tokenCache.redisUrl = _redis->url();
		config.tokenCache.redisPassword = REDIS_PASSWORD;
		config.tokenCache.keyPrefix = KEY_PREFIX;
	}

	std::string contents() override { return _redis->dump(); }

	/// The key prefix is only in the object form, which a configuration file carries.
	std::vector<std::string> storeOptions() override
	{
		const std::string file = writeTestFile("redis-store.json",
			"{\"falcon\": {\"token_cache\": {\"store\": \"redis\", \"url\": \"" + _redis->url()
				+ "\", \"key_prefix\": \"" + KEY_PREFIX + "\"}}}");
		return {"--config", file};
	}
	Poco::Process::Env storeEnvironment() override { return {{"FALCON_TOKEN_CACHE_PASSWORD", REDIS_PASSWORD}}; }

	std::string entryBytes() override
	{
		const std::string key = entryKey();
		return key.empty() ? std::string() : _redis->command({"GET", key}).text;
	}

	void replaceEntry(const std::string& bytes) override
	{
		CPPUNIT_ASSERT(_redis->command({"SET", entryKey(), bytes, "KEEPTTL"}).is("OK"));
	}

	/// A call with `config` mints, within `within` of its start, and logs `why` and that it went
	/// on without the store; neither the password nor the token is in the log.
	OAuth2::ApiResult expectFallback(
		const OAuth2::ClientConfig& config, const std::string& why, std::chrono::milliseconds within)
	{
		RecordedLogger log("test.redis-store.fallback");
		const auto start = OAuth2::Clock::now();
		const OAuth2::TokenResult result = OAuth2::OAuth2Client(config, log.logger()).token();
		const auto took = OAuth2::Clock::now() - start;
		CPPUNIT_ASSERT_MESSAGE(log.text(), result.ok() && !result.fromSharedStore);
		CPPUNIT_ASSERT_MESSAGE(
			std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()) + " ms", took < within);
		CPPUNIT_ASSERT_MESSAGE(log.text(), log.says(why));
		CPPUNIT_ASSERT_MESSAGE(log.text(), log.says("goes on without it"));
		for (const std::string& secret : {tokenOf(result), REDIS_PASSWORD, TEST_CLIENT_SECRET})
			CPPUNIT_ASSERT_MESSAGE(log.text(), !log.says(secret));
		CPPUNIT_ASSERT_MESSAGE(
			log.text(), log.text().find('\x1b') == std::string::npos && log.text().find('\x07') == std::string::npos);
		return result;
	}
};

}
} // namespace Falcon::Testing
