#include "SuiteDriver.h"

#include "falcon/plugin/SecretSpellings.h"

#include <Poco/FileStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

/// The spellings a secret is masked in, checked against the table the Python package's log
/// masker is checked against too: both hide a secret in the same places.
class SecretSpellingsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SecretSpellingsTest);
	CPPUNIT_TEST(testSameSpellingsAsTheTable);
	CPPUNIT_TEST_SUITE_END();

public:
	void testSameSpellingsAsTheTable()
	{
		Poco::FileInputStream table(FALCON_SECRET_SPELLINGS_TABLE);
		const auto cases = Poco::JSON::Parser().parse(table).extract<Poco::JSON::Object::Ptr>()->getArray("cases");
		CPPUNIT_ASSERT(cases->size() > 2);
		for (std::size_t i = 0; i < cases->size(); ++i)
		{
			const auto row = cases->getObject(static_cast<unsigned>(i));
			const auto expected = row->getArray("spellings");
			std::vector<std::string> spellings;
			for (std::size_t j = 0; j < expected->size(); ++j)
				spellings.push_back(expected->getElement<std::string>(static_cast<unsigned>(j)));
			const std::string value = row->getValue<std::string>("value");
			CPPUNIT_ASSERT_MESSAGE(value, spellings == Falcon::Plugin::secretSpellings(value));
		}
	}
};

FALCON_REGISTER_SUITE(SecretSpellingsTest);
