#include "SuiteDriver.h"

#include "falcon/plugin/JsonWriter.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>
#include <string>

/// The compact writer against Poco's own stringify: the same text, byte for byte, for every kind
/// of value an action's output holds and some it never should.
class JsonWriterTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JsonWriterTest);
	CPPUNIT_TEST(testSameTextAsPoco);
	CPPUNIT_TEST(testParsedDocuments);
	CPPUNIT_TEST_SUITE_END();

	static void expectSame(const Poco::Dynamic::Var& value)
	{
		std::ostringstream poco;
		Poco::JSON::Stringifier::stringify(value, poco);
		std::string ours;
		Falcon::Plugin::Json::write(value, ours);
		CPPUNIT_ASSERT_EQUAL(poco.str(), ours);
	}

public:
	void testSameTextAsPoco()
	{
		Poco::JSON::Object::Ptr ordered = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		ordered->set("zeta", std::string("quote \" backslash \\ slash / tab \t newline \n bell \x07 del \x7f"));
		ordered->set("alpha", std::string("caf\xC3\xA9 \xF0\x9F\x98\x80 \x01\x1f"));
		ordered->set("empty", std::string());
		ordered->set("int", 201);
		ordered->set("big", Poco::Int64(9007199254740993LL));
		ordered->set("unsigned", Poco::UInt64(18446744073709551615ULL));
		ordered->set("double", 0.1);
		ordered->set("tiny", 1e-300);
		ordered->set("negative zero", -0.0);
		ordered->set("true", true);
		ordered->set("null", Poco::Dynamic::Var());
		ordered->set("char", 'x');
		Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
		array->add(1.5);
		array->add(Poco::Dynamic::Var());
		array->add(Poco::JSON::Array::Ptr(new Poco::JSON::Array));
		Poco::JSON::Object::Ptr sorted = new Poco::JSON::Object;
		sorted->set("b", 2);
		sorted->set("a", std::string("/"));
		array->add(sorted);
		ordered->set("array", array);
		ordered->set("object by value", Poco::JSON::Object());
		expectSame(ordered);
		expectSame(array);
		expectSame(std::string("top-level string"));
		expectSame(Poco::Dynamic::Var());
		std::string nullObject; // Poco's stringify throws on a null pointer; null is what it holds
		Falcon::Plugin::Json::write(Poco::JSON::Object::Ptr(), nullObject);
		CPPUNIT_ASSERT_EQUAL(std::string("null"), nullObject);
	}

	void testParsedDocuments()
	{
		for (const char* text :
			{R"({"status_code":201,"headers":{"X-Cs-Region":"us-2"},"body":{"access_token":"eyJ.a/b+c=","expires_in":1799}})",
				R"({"errors":[{"code":403,"message":"access denied, invalid client"}],"resources":[],"meta":{"query_time":0.000013729}})",
				R"([1,-2.5e-7,true,false,null,"\u00e9\ud83d\ude00"])"})
		{
			Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
			expectSame(parser.parse(text));
		}
	}
};

FALCON_REGISTER_SUITE(JsonWriterTest);
