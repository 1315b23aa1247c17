#include "OnCpu.h"
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
	CPPUNIT_TEST(testEachCpuCountsOnItsOwn);
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

	/// The connection object the configuration was read from.
	static Poco::JSON::Object::Ptr settings(
		const std::string& secret = "registry-secret", const std::string& proxy = "")
	{
		Poco::JSON::Object::Ptr connection = new Poco::JSON::Object;
		connection->set("client_secret", secret);
		if (!proxy.empty()) connection->set("proxy", proxy);
		return connection;
	}

	Poco::Logger& _logger = Poco::Logger::get("test.registry");

public:
	void testSameKeySameSession()
	{
		Actions::SessionRegistry registry;
		const auto first = registry.session(config("aa"), settings(), _logger);
		CPPUNIT_ASSERT(first == registry.session(config("aa"), settings(), _logger));
		CPPUNIT_ASSERT(first != registry.session(config("bb"), settings(), _logger));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), registry.size());
	}

	void testChangedSettingsReplaceTheSession()
	{
		Actions::SessionRegistry registry;
		const auto first = registry.session(config("aa"), settings(), _logger);
		const auto rotated = registry.session(config("aa", "rotated-secret"), settings("rotated-secret"), _logger);
		CPPUNIT_ASSERT(first != rotated);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), registry.size());
		// Any field of the connection counts, not only those the registry knows of.
		const auto proxied = registry.session(
			config("aa", "rotated-secret"), settings("rotated-secret", "http://127.0.0.1:3128"), _logger);
		CPPUNIT_ASSERT(proxied != rotated);
		CPPUNIT_ASSERT(proxied
			== registry.session(
				config("aa", "rotated-secret"), settings("rotated-secret", "http://127.0.0.1:3128"), _logger));
	}

	void testLeastRecentlyUsedIsEvicted()
	{
		Actions::SessionRegistry registry(2);
		const auto a = registry.session(config("aa"), settings(), _logger);
		const auto b = registry.session(config("bb"), settings(), _logger);
		registry.session(config("aa"), settings(), _logger); // a is now the more recent
		registry.session(config("cc"), settings(), _logger); // full: b goes
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), registry.size());
		CPPUNIT_ASSERT(a == registry.session(config("aa"), settings(), _logger));
		CPPUNIT_ASSERT(b != registry.session(config("bb"), settings(), _logger)); // a new session; cc went
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), registry.size());
		CPPUNIT_ASSERT(b.use_count() == 1); // evicted sessions are only alive while a caller holds them
	}

	/// Callers on different CPUs get the same session through references that count apart, and
	/// an evicted session goes with the last of them.
	void testEachCpuCountsOnItsOwn()
	{
		Actions::SessionRegistry registry(1);
		std::vector<std::shared_ptr<OAuth2::OAuth2Client>> references;
		for (const long cpu : Testing::usableCpus())
			references.push_back(
				Testing::onCpu(cpu, [&] { return registry.session(config("aa"), settings(), _logger); }));
		std::vector<std::weak_ptr<OAuth2::OAuth2Client>> watched(references.begin(), references.end());
		for (const auto& reference : references)
		{
			CPPUNIT_ASSERT(reference.get() == references.front().get());
			if (&reference != &references.front())
				CPPUNIT_ASSERT(
					reference.owner_before(references.front()) || references.front().owner_before(reference));
		}
		registry.session(config("bb"), settings(), _logger); // full: aa goes
		// Each reference now lives only while its caller holds it.
		references.pop_back();
		CPPUNIT_ASSERT(watched.back().expired());
		if (!references.empty()) CPPUNIT_ASSERT(!watched.front().expired());
		references.clear();
		for (const auto& reference : watched) CPPUNIT_ASSERT(reference.expired());
	}
};

FALCON_REGISTER_SUITE(SessionRegistryTest);
