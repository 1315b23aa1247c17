#include "SuiteDriver.h"

#include "falcon/plugin/JsonValues.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>
#include <string>

/// `put` against Poco's own `set`: the same object, member for member and in the same order,
/// whether the member is new or replaced.
class JsonValuesTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JsonValuesTest);
	CPPUNIT_TEST(testPutBuildsWhatSetBuilds);
	CPPUNIT_TEST(testPutReplacesInPlace);
	CPPUNIT_TEST(testPutLeavesOtherMembersAlone);
	CPPUNIT_TEST_SUITE_END();

	static std::string text(const Poco::JSON::Object& object)
	{
		std::ostringstream out;
		Poco::JSON::Stringifier::stringify(object, out);
		return out.str();
	}

	/// The same members, one object filled with `put` and the other with `set`.
	static void fill(Poco::JSON::Object& byPut, Poco::JSON::Object& bySet)
	{
		Poco::JSON::Object::Ptr inner = new Poco::JSON::Object;
		inner->set("a", 1);
		const std::string token(1200, 't');
		Falcon::Plugin::Json::put(byPut, "status_code", 201);
		bySet.set("status_code", 201);
		Falcon::Plugin::Json::put(byPut, "access_token", token);
		bySet.set("access_token", token);
		Falcon::Plugin::Json::put(byPut, "headers", inner);
		bySet.set("headers", inner);
		Falcon::Plugin::Json::put(byPut, "cached", false);
		bySet.set("cached", false);
		Falcon::Plugin::Json::put(byPut, "nothing", Poco::Dynamic::Var());
		bySet.set("nothing", Poco::Dynamic::Var());
	}

public:
	void testPutBuildsWhatSetBuilds()
	{
		for (const int options : {0, static_cast<int>(Poco::JSON_PRESERVE_KEY_ORDER)})
		{
			Poco::JSON::Object byPut(options), bySet(options);
			fill(byPut, bySet);
			CPPUNIT_ASSERT_EQUAL(text(bySet), text(byPut));
			CPPUNIT_ASSERT_EQUAL(bySet.size(), byPut.size());
			CPPUNIT_ASSERT(byPut.getObject("headers") == bySet.getObject("headers")); // the pointer, not a copy
		}
	}

	void testPutReplacesInPlace()
	{
		Poco::JSON::Object byPut(Poco::JSON_PRESERVE_KEY_ORDER), bySet(Poco::JSON_PRESERVE_KEY_ORDER);
		fill(byPut, bySet);
		Falcon::Plugin::Json::put(byPut, "access_token", std::string("***"));
		bySet.set("access_token", std::string("***"));
		Falcon::Plugin::Json::put(byPut, "status_code", std::string("201"));
		bySet.set("status_code", std::string("201"));
		CPPUNIT_ASSERT_EQUAL(text(bySet), text(byPut));
		CPPUNIT_ASSERT_EQUAL(std::string("***"), byPut.getValue<std::string>("access_token"));
		CPPUNIT_ASSERT(byPut.get("status_code").isString());
	}

	void testPutLeavesOtherMembersAlone()
	{
		Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
		Falcon::Plugin::Json::put(object, "b", 1);
		Falcon::Plugin::Json::put(object, "a", 2);
		Falcon::Plugin::Json::put(object, "ab", 3);
		Falcon::Plugin::Json::put(object, "a", 4);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"b\":1,\"a\":4,\"ab\":3}"), text(object));
	}
};

FALCON_REGISTER_SUITE(JsonValuesTest);
