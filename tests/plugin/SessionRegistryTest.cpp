#include "SuiteDriver.h"

#include "SessionRegistry.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon;

/// The module's sessions: one per (base URL, client, member CID), replaced when the other
/// settings change, and bounded, the least recently used going first.
class SessionRegistryTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SessionRegistryTest);
	CPPUNIT_TEST(testSameKeySameSession);
	CPPUNIT_TEST(testChangedSettingsReplaceTheSession);
	CPPUNIT_TEST(testLeastRecentlyUsedIsEvicted);
	CPPUNIT_TEST_SUITE_END();

	static OAuth2::ClientConfig config(const std::string& memberCid, const std::string& secret = "registry-secret")
	{
		OAuth2::ClientConfig config;
		config.baseUrl = "https://127.0.0.1:9";
		config.clientId = "registryclient0123456789abcdef01";
		config.clientSecret = secret;
		config.memberCid = memberCid;
		config.proxyFromEnvironment = false;
		return config;
	}

	Poco::Logger& _logger = Poco::Logger::get("test.registry");

public:
	void testSameKeySameSession()
	{
		Actions::SessionRegistry registry;
		const auto first = registry.session(config("aa"), _logger);
		CPPUNIT_ASSERT(first == registry.session(config("aa"), _logger));
		CPPUNIT_ASSERT(first != registry.session(config("bb"), _logger));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), registry.size());
	}

	void testChangedSettingsReplaceTheSession()
	{
		Actions::SessionRegistry registry;
		const auto first = registry.session(config("aa"), _logger);
		const auto rotated = registry.session(config("aa", "rotated-secret"), _logger);
		CPPUNIT_ASSERT(first != rotated);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), registry.size());
	}

	void testLeastRecentlyUsedIsEvicted()
	{
		Actions::SessionRegistry registry(2);
		const auto a = registry.session(config("aa"), _logger);
		const auto b = registry.session(config("bb"), _logger);
		registry.session(config("aa"), _logger); // a is now the more recent
		registry.session(config("cc"), _logger); // full: b goes
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), registry.size());
		CPPUNIT_ASSERT(a == registry.session(config("aa"), _logger));
		CPPUNIT_ASSERT(b != registry.session(config("bb"), _logger)); // a new session; cc went
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), registry.size());
		CPPUNIT_ASSERT(b.use_count() == 1); // evicted sessions are only alive while a caller holds them
	}
};

FALCON_REGISTER_SUITE(SessionRegistryTest);
