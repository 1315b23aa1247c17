#include "SuiteDriver.h"

#include "falcon/oauth2/region/CloudRegion.h"
#include "falcon/oauth2/core/Error.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::OAuth2;

class CloudRegionTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CloudRegionTest);
	CPPUNIT_TEST(testContractTable);
	CPPUNIT_TEST(testNameRules);
	CPPUNIT_TEST(testUnknownNameNamesTheField);
	CPPUNIT_TEST(testUrlsAndBareHosts);
	CPPUNIT_TEST(testFindByBaseUrl);
	CPPUNIT_TEST(testFalconHosts);
	CPPUNIT_TEST_SUITE_END();

public:
	void testContractTable()
	{
		const RegionTable& table = RegionTable::falcon();
		CPPUNIT_ASSERT_EQUAL(std::size_t(6), table.regions().size());
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.crowdstrike.com"), table.resolveBaseUrl("us-1"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.us-2.crowdstrike.com"), table.resolveBaseUrl("us-2"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.us-3.crowdstrike.com"), table.resolveBaseUrl("us-3"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.eu-1.crowdstrike.com"), table.resolveBaseUrl("eu-1"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.laggar.gcw.crowdstrike.com"), table.resolveBaseUrl("us-gov-1"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.us-gov-2.crowdstrike.mil"), table.resolveBaseUrl("us-gov-2"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.crowdstrike.com"), table.resolveBaseUrl("auto"));
		CPPUNIT_ASSERT(!table.find("us-gov-1")->discoverable);
		CPPUNIT_ASSERT(!table.find("us-gov-2")->discoverable);
		CPPUNIT_ASSERT(table.find("eu-1")->discoverable);
	}

	void testNameRules()
	{
		const RegionTable& table = RegionTable::falcon();
		for (const char* name : {"us-2", "us2", "US-2", " Us2 ", "u-s-2", "\tUS2\n"})
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, std::string("us-2"), table.find(name)->name);
		for (const char* name : {"usgov1", "gov1", "US-GOV-1", "gov-1"})
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, std::string("us-gov-1"), table.find(name)->name);
		for (const char* name : {"usgov2", "gov2", "Us-Gov-2"})
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, std::string("us-gov-2"), table.find(name)->name);
		CPPUNIT_ASSERT_EQUAL(std::string("us-1"), table.find("AUTO")->name);
		CPPUNIT_ASSERT(table.find("") == nullptr);
		CPPUNIT_ASSERT(table.find("us-4") == nullptr);
		CPPUNIT_ASSERT(table.find("---") == nullptr);
	}

	void testUnknownNameNamesTheField()
	{
		try
		{
			RegionTable::falcon().resolveBaseUrl("mars-1", "cloud");
			CPPUNIT_FAIL("an unknown cloud was accepted");
		}
		catch (const InvalidInputException& e)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("cloud: unknown cloud 'mars-1' (expected one of us-1, us-2, us-3, eu-1, "
											 "us-gov-1, us-gov-2, or a URL)"),
				e.message());
		}
		CPPUNIT_ASSERT_THROW(RegionTable::falcon().resolveBaseUrl("   "), InvalidInputException);
	}

	void testUrlsAndBareHosts()
	{
		const RegionTable& table = RegionTable::falcon();
		CPPUNIT_ASSERT_EQUAL(
			std::string("https://gateway.example.com:8443"), table.resolveBaseUrl("https://gateway.example.com:8443/"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://gateway.example.com/falcon"),
			table.resolveBaseUrl("https://gateway.example.com/falcon/"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.example.com"), table.resolveBaseUrl("api.example.com"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://127.0.0.1:8443"), table.resolveBaseUrl("127.0.0.1:8443"));
		// Only one trailing slash is removed, as the contract says.
		CPPUNIT_ASSERT_EQUAL(
			std::string("https://a.example.com/x/"), table.resolveBaseUrl("https://a.example.com/x//"));
	}

	void testFindByBaseUrl()
	{
		const RegionTable& table = RegionTable::falcon();
		CPPUNIT_ASSERT_EQUAL(std::string("us-2"), table.findByBaseUrl("https://API.US-2.crowdstrike.com/")->name);
		CPPUNIT_ASSERT(table.findByBaseUrl("https://gateway.example.com") == nullptr);
		CPPUNIT_ASSERT(table.findByBaseUrl("http://api.crowdstrike.com") == nullptr);
	}

	void testFalconHosts()
	{
		const RegionTable& table = RegionTable::falcon();
		CPPUNIT_ASSERT(table.isFalconHost("api.us-2.crowdstrike.com"));
		CPPUNIT_ASSERT(table.isFalconHost("API.EU-1.CROWDSTRIKE.COM"));
		CPPUNIT_ASSERT(table.isFalconHost("api.us-gov-2.crowdstrike.mil"));
		CPPUNIT_ASSERT(!table.isFalconHost("crowdstrike.com.evil.example"));
		CPPUNIT_ASSERT(!table.isFalconHost("evilcrowdstrike.com"));
		CPPUNIT_ASSERT(!table.isFalconHost("127.0.0.1"));

		const RegionTable custom({{"us-1", {}, "https://127.0.0.2:9443", true}});
		CPPUNIT_ASSERT(custom.isFalconHost("127.0.0.2"));
		CPPUNIT_ASSERT(!custom.isFalconHost("127.0.0.3"));
	}
};

FALCON_REGISTER_SUITE(CloudRegionTest);
