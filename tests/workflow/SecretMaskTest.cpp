#include "SuiteDriver.h"

#include "workflow/SecretMask.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::Workflow;

class SecretMaskTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SecretMaskTest);
	CPPUNIT_TEST(testMasksEveryOccurrence);
	CPPUNIT_TEST(testLongestFirst);
	CPPUNIT_TEST(testJsonEscapedSpelling);
	CPPUNIT_TEST(testWireSpellings);
	CPPUNIT_TEST(testShortValuesAreNotTaken);
	CPPUNIT_TEST(testManyValues);
	CPPUNIT_TEST(testShorterValueAddedLater);
	CPPUNIT_TEST_SUITE_END();

public:
	void testMasksEveryOccurrence()
	{
		SecretMask mask;
		CPPUNIT_ASSERT_EQUAL(std::string("nothing yet"), mask.mask("nothing yet"));
		mask.add("tok-1234");
		CPPUNIT_ASSERT_EQUAL(std::string("a *** b ***"), mask.mask("a tok-1234 b tok-1234"));
		CPPUNIT_ASSERT_EQUAL(std::string("***"), mask.mask("tok-1234"));
		CPPUNIT_ASSERT_EQUAL(std::string("tok-123"), mask.mask("tok-123"));
	}

	void testLongestFirst()
	{
		SecretMask mask;
		mask.add("abcd");
		mask.add("abcdefgh");
		CPPUNIT_ASSERT_EQUAL(std::string("*** ***"), mask.mask("abcdefgh abcd"));
	}

	void testJsonEscapedSpelling()
	{
		SecretMask mask;
		mask.add("a/b/c/d");
		CPPUNIT_ASSERT_EQUAL(std::string("{\"t\":\"***\"} ***"), mask.mask("{\"t\":\"a\\/b\\/c\\/d\"} a/b/c/d"));
	}

	/// The spellings the plugin's redactor knows: a secret in a form body or a URL is masked too.
	void testWireSpellings()
	{
		SecretMask mask;
		mask.add("p@ss w/rd+\"x");
		CPPUNIT_ASSERT_EQUAL(std::string("client_secret=***&x=1"), mask.mask("client_secret=p%40ss+w%2Frd%2B%22x&x=1"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("http://alice:***@proxy"), mask.mask("http://alice:p%40ss%20w%2Frd%2B%22x@proxy"));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"s\":\"***\"}"), mask.mask("{\"s\":\"p@ss w\\/rd+\\\"x\"}"));
	}

	void testShortValuesAreNotTaken()
	{
		SecretMask mask;
		mask.add("ab");
		CPPUNIT_ASSERT_EQUAL(std::string("abab"), mask.mask("abab"));
	}

	void testManyValues()
	{
		SecretMask mask;
		for (int i = 0; i < 500; ++i) mask.add("token-" + std::to_string(i) + "-end");
		CPPUNIT_ASSERT_EQUAL(std::string("x *** y *** z"), mask.mask("x token-7-end y token-499-end z"));
		CPPUNIT_ASSERT_EQUAL(std::string("token-500-end"), mask.mask("token-500-end"));
	}

	/// Texts shorter than every secret are passed over unread: a shorter secret met later
	/// lowers that length, and a text exactly as long as it is still read.
	void testShorterValueAddedLater()
	{
		SecretMask mask;
		mask.add("a-long-secret-value");
		CPPUNIT_ASSERT_EQUAL(std::string("tok1"), mask.mask("tok1"));
		mask.add("tok1");
		CPPUNIT_ASSERT_EQUAL(std::string("***"), mask.mask("tok1"));
		CPPUNIT_ASSERT_EQUAL(std::string("x *** ***"), mask.mask("x tok1 a-long-secret-value"));
		CPPUNIT_ASSERT_EQUAL(std::string("tok"), mask.mask("tok"));
	}
};

FALCON_REGISTER_SUITE(SecretMaskTest);
