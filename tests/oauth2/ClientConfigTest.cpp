#include "ClientTestKit.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/net/Endpoint.h"
#include "falcon/oauth2/OAuth2Client.h"
#include "falcon/oauth2/store/RedisAddress.h"

#include <Poco/Environment.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;

namespace {

ClientConfig validConfig()
{
	ClientConfig config;
	config.clientId = TEST_CLIENT_ID;
	config.clientSecret = TEST_CLIENT_SECRET;
	return config;
}

/// The message a refused configuration produces, or "" when it is accepted.
std::string refusal(const ClientConfig& config)
{
	try
	{
		config.validate();
		return {};
	}
	catch (const InvalidInputException& e)
	{
		return e.message();
	}
}

bool startsWith(const std::string& text, const std::string& prefix)
{
	return text.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

class ClientConfigTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ClientConfigTest);
	CPPUNIT_TEST(testValidConfigIsAccepted);
	CPPUNIT_TEST(testCredentialsAreRequired);
	CPPUNIT_TEST(testValuesAreChecked);
	CPPUNIT_TEST(testPlainHttpOnlyForLoopback);
	CPPUNIT_TEST(testMalformedUrls);
	CPPUNIT_TEST(testCaBundleMustExist);
	CPPUNIT_TEST(testProxyUrl);
	CPPUNIT_TEST(testRenewalWindowIsClamped);
	CPPUNIT_TEST(testRefusedConfigSendsNothing);
	CPPUNIT_TEST(testEnvironmentProxy);
	CPPUNIT_TEST(testRedisTokenCache);
	CPPUNIT_TEST_SUITE_END();

public:
	void testValidConfigIsAccepted()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(), refusal(validConfig()));
		ClientConfig config = validConfig();
		config.cloud = "EU1";
		config.memberCid = "0123456789abcdef0123456789abcdef-2a";
		CPPUNIT_ASSERT_EQUAL(std::string(), refusal(config));
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.eu-1.crowdstrike.com"), config.effectiveBaseUrl());
		config.baseUrl = "https://gateway.example.com/falcon/";
		CPPUNIT_ASSERT_EQUAL(std::string("https://gateway.example.com/falcon"), config.effectiveBaseUrl());
	}

	void testCredentialsAreRequired()
	{
		ClientConfig config = validConfig();
		config.clientId.clear();
		CPPUNIT_ASSERT_EQUAL(std::string("client_id: must not be empty"), refusal(config));
		config = validConfig();
		config.clientSecret.clear();
		CPPUNIT_ASSERT_EQUAL(std::string("client_secret: must not be empty"), refusal(config));
	}

	void testValuesAreChecked()
	{
		ClientConfig config = validConfig();
		config.clientSecret = "line\r\nX-Injected: 1";
		const std::string message = refusal(config);
		CPPUNIT_ASSERT_EQUAL(std::string("client_secret: must not contain control characters"), message);
		CPPUNIT_ASSERT(message.find("Injected") == std::string::npos);

		config = validConfig();
		config.clientId = std::string(300, 'a');
		CPPUNIT_ASSERT(startsWith(refusal(config), "client_id: too long"));
		config = validConfig();
		config.memberCid = "not a cid";
		CPPUNIT_ASSERT(startsWith(refusal(config), "member_cid: "));
		config = validConfig();
		config.userAgent = "agent\n";
		CPPUNIT_ASSERT(startsWith(refusal(config), "user_agent: "));
		config = validConfig();
		config.cloud = "mars";
		CPPUNIT_ASSERT(startsWith(refusal(config), "cloud: unknown cloud 'mars'"));
		config = validConfig();
		config.readTimeout = std::chrono::milliseconds(0);
		CPPUNIT_ASSERT_EQUAL(std::string("read_timeout: must be greater than zero"), refusal(config));
		config = validConfig();
		config.maxRetries = 11;
		CPPUNIT_ASSERT(startsWith(refusal(config), "max_retries: "));
		config = validConfig();
		config.maxResponseBytes = 10;
		CPPUNIT_ASSERT(startsWith(refusal(config), "max_response_bytes: "));
	}

	void testPlainHttpOnlyForLoopback()
	{
		ClientConfig config = validConfig();
		config.baseUrl = "http://api.crowdstrike.com";
		CPPUNIT_ASSERT(startsWith(refusal(config), "base_url: plain http:// is allowed only for loopback hosts"));
		for (const char* loopback :
			{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "http://127.9.9.9"})
		{
			config.baseUrl = loopback;
			CPPUNIT_ASSERT_EQUAL_MESSAGE(loopback, std::string(), refusal(config));
		}
		config.baseUrl = "http://10.0.0.1";
		CPPUNIT_ASSERT(!refusal(config).empty());
	}

	void testMalformedUrls()
	{
		ClientConfig config = validConfig();
		config.baseUrl = "ftp://api.example.com";
		CPPUNIT_ASSERT(startsWith(refusal(config), "base_url: the URL must start with https://"));
		config.baseUrl = "https://user:pw@api.example.com";
		CPPUNIT_ASSERT(startsWith(refusal(config), "base_url: the URL must not carry user information"));
		CPPUNIT_ASSERT(refusal(config).find("pw") == std::string::npos);
		config.baseUrl = "https://api.example.com/?x=1";
		CPPUNIT_ASSERT(startsWith(refusal(config), "base_url: the URL must not have a query"));
		config.baseUrl = "https://";
		CPPUNIT_ASSERT(startsWith(refusal(config), "base_url: "));
		config.baseUrl = "https://exa mple.com:99999";
		CPPUNIT_ASSERT(startsWith(refusal(config), "base_url: "));
	}

	void testCaBundleMustExist()
	{
		ClientConfig config = validConfig();
		config.caBundle = "/nonexistent/ca.pem";
		CPPUNIT_ASSERT_EQUAL(std::string("ca_bundle: no such file: /nonexistent/ca.pem"), refusal(config));
		config.caBundle = testDirectory();
		CPPUNIT_ASSERT(startsWith(refusal(config), "ca_bundle: not a readable file"));
		config.caBundle = testPki().caFile();
		CPPUNIT_ASSERT_EQUAL(std::string(), refusal(config));
	}

	void testProxyUrl()
	{
		const ProxySettings proxy = ProxySettings::parse("http://alice:pr0xy%2Fpass%2Bword@127.0.0.1:3128", "proxy");
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), proxy.host);
		CPPUNIT_ASSERT_EQUAL(Poco::UInt16(3128), proxy.port);
		CPPUNIT_ASSERT_EQUAL(std::string("alice"), proxy.username);
		CPPUNIT_ASSERT_EQUAL(TEST_PROXY_PASSWORD, proxy.password);
		CPPUNIT_ASSERT_EQUAL(Poco::UInt16(1080), ProxySettings::parse("proxy.example.com", "proxy").port);
		CPPUNIT_ASSERT(!ProxySettings::parse("", "proxy").enabled());

		ClientConfig config = validConfig();
		config.proxy = "socks5://bob:hunter2@proxy.example.com";
		const std::string message = refusal(config);
		CPPUNIT_ASSERT(startsWith(message, "proxy: only http:// proxies are supported"));
		CPPUNIT_ASSERT(message.find("hunter2") == std::string::npos);
	}

	void testRenewalWindowIsClamped()
	{
		CPPUNIT_ASSERT_EQUAL(
			120L, static_cast<long>(ClientConfig::clampRenewalWindow(std::chrono::seconds(5)).count()));
		CPPUNIT_ASSERT_EQUAL(
			600L, static_cast<long>(ClientConfig::clampRenewalWindow(std::chrono::seconds(600)).count()));
		CPPUNIT_ASSERT_EQUAL(
			1200L, static_cast<long>(ClientConfig::clampRenewalWindow(std::chrono::seconds(5000)).count()));
	}

	void testRefusedConfigSendsNothing()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = configFor(server);
		config.clientSecret.clear();
		CPPUNIT_ASSERT_THROW(OAuth2Client client(config), InvalidInputException);
		config = configFor(server);
		config.caBundle = "/nonexistent.pem";
		CPPUNIT_ASSERT_THROW(OAuth2Client client(config), InvalidInputException);
		CPPUNIT_ASSERT_EQUAL(0u, server.connections());
	}

	void testEnvironmentProxy()
	{
		CPPUNIT_ASSERT(ProxySettings::bypassed("*", "api.crowdstrike.com"));
		CPPUNIT_ASSERT(ProxySettings::bypassed("example.com, .crowdstrike.com", "api.crowdstrike.com"));
		CPPUNIT_ASSERT(ProxySettings::bypassed("crowdstrike.com", "api.crowdstrike.com"));
		CPPUNIT_ASSERT(ProxySettings::bypassed("api.crowdstrike.com:443", "api.crowdstrike.com"));
		CPPUNIT_ASSERT(!ProxySettings::bypassed("strike.com", "api.crowdstrike.com"));
		CPPUNIT_ASSERT(!ProxySettings::bypassed("", "api.crowdstrike.com"));

		Poco::Environment::set("HTTPS_PROXY", "http://proxy.example.com:3128");
		Poco::Environment::set("NO_PROXY", "internal.example.com");
		CPPUNIT_ASSERT_EQUAL(
			std::string("proxy.example.com"), ProxySettings::fromEnvironment("api.crowdstrike.com").host);
		CPPUNIT_ASSERT(!ProxySettings::fromEnvironment("127.0.0.1").enabled());
		CPPUNIT_ASSERT(!ProxySettings::fromEnvironment("gw.internal.example.com").enabled());
		Poco::Environment::set("HTTPS_PROXY", "");
		Poco::Environment::set("NO_PROXY", "");
		CPPUNIT_ASSERT(!ProxySettings::fromEnvironment("api.crowdstrike.com").enabled());
	}

	void testRedisTokenCache()
	{
		ClientConfig config = validConfig();
		config.tokenCache.store = TokenCacheSettings::Store::Redis;
		CPPUNIT_ASSERT(startsWith(refusal(config), "token_cache.url: required with the redis store"));
		const std::vector<std::pair<std::string, std::string>> refused{
			{"rediss://cache.example:6380/0?ca=/etc/ca.pem", "token_cache: a rediss:// URL takes only"},
			{"rediss://cache.example/0?ca_bundle=ca.pem", "token_cache: ca_bundle must be an absolute path"},
			{"rediss://cache.example/0?client_cert=/c.pem", "token_cache: client_cert and client_key go together"},
			{"rediss://:hunter2@cache.example/0", "token_cache: a password in the URL is refused"},
			{"redis://:hunter2@127.0.0.1:6379/0", "token_cache: a password in the URL is refused"},
			{"redis://alice:hunter2@127.0.0.1/0", "token_cache: a password in the URL is refused"},
			{"redis://default%3Ahunter2@127.0.0.1/0", "token_cache: a password in the URL is refused"},
			{"redis://alice@127.0.0.1/0", "token_cache: the URL names the Redis user alice but no password is given"},
			{"redis://127.0.0.1:6379/zero", "token_cache: the database must be a number"},
			{"redis://127.0.0.1:6379/0?x=1", "token_cache: a query"}, {"redis:///0", "token_cache: no host"},
			{"unix://host/tmp/redis.sock", "token_cache: a Unix socket URL has no host"},
			{"unix:///tmp/redis.sock?timeout=1", "token_cache: the only query"},
			{"memcached://127.0.0.1",
				"token_cache: must be redis://HOST:PORT/DB, rediss://HOST:PORT/DB or unix:///PATH"}};
		for (const auto& url : refused)
		{
			config.tokenCache.redisUrl = url.first;
			const std::string message = refusal(config);
			CPPUNIT_ASSERT_MESSAGE(url.first + " -> " + message, startsWith(message, url.second));
			CPPUNIT_ASSERT_MESSAGE(message, message.find("hunter2") == std::string::npos);
		}
		config.tokenCache.redisUrl = "redis://alice@127.0.0.1:6380/3";
		config.tokenCache.redisPassword = "alices-password";
		CPPUNIT_ASSERT_EQUAL(std::string(), refusal(config));
		const RedisAddress address = RedisAddress::parse(config.tokenCache.redisUrl, "token_cache");
		CPPUNIT_ASSERT_EQUAL(std::string("alice"), address.username);
		CPPUNIT_ASSERT_EQUAL(3u, address.database);
		CPPUNIT_ASSERT_EQUAL(std::string("redis://alice@127.0.0.1:6380/3"), address.str());
		const RedisAddress tls = RedisAddress::parse("rediss://falcon@cache.example:6380/1?ca_bundle=/etc/redis/"
													 "ca.pem&client_cert=/etc/c.pem&client_key=/etc/c.key",
			"t");
		CPPUNIT_ASSERT(tls.tls && !tls.inClear());
		CPPUNIT_ASSERT_EQUAL(std::string("/etc/redis/ca.pem"), tls.caBundle);
		CPPUNIT_ASSERT_EQUAL(std::string("/etc/c.key"), tls.clientKey);
		CPPUNIT_ASSERT_EQUAL(
			std::string("rediss://falcon@cache.example:6380/1?ca_bundle=/etc/redis/ca.pem&client_cert=/etc/"
						"c.pem&client_key=/etc/c.key"),
			tls.str());
		CPPUNIT_ASSERT_EQUAL(6379, static_cast<int>(RedisAddress::parse("rediss://cache.example", "t").port));
		CPPUNIT_ASSERT_EQUAL(std::string("/run/redis/redis.sock"),
			RedisAddress::parse("unix:///run/redis/redis.sock?db=2", "t").socketPath);
		config.tokenCache.lockTtl = std::chrono::milliseconds(50);
		CPPUNIT_ASSERT(startsWith(refusal(config), "token_cache.lock_ttl_ms: "));
		config.tokenCache.lockTtl = std::chrono::seconds(10);
		config.tokenCache.storeTimeout = std::chrono::minutes(2);
		CPPUNIT_ASSERT(startsWith(refusal(config), "token_cache.timeout_ms: "));
		config.tokenCache.storeTimeout = std::chrono::milliseconds(500);
		config.tokenCache.redisPassword = "pass\nword";
		CPPUNIT_ASSERT_EQUAL(std::string("token_cache.password: must not contain control characters"), refusal(config));
	}
};

FALCON_REGISTER_SUITE(ClientConfigTest);
