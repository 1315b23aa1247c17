#include "SuiteDriver.h"

#include "falcon/oauth2/core/JsonReader.h"
#include "falcon/plugin/JsonWriter.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <random>
#include <string>
#include <vector>

/// The reader against Poco's own parser, which it stands in for: for every text, the same
/// refusal or the same values, of the same types, keys in the same order.
class JsonReaderTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JsonReaderTest);
	CPPUNIT_TEST(testEdgeCasesAsPoco);
	CPPUNIT_TEST(testMutatedDocumentsAsPoco);
	CPPUNIT_TEST(testNestingIsBounded);
	CPPUNIT_TEST(testMembersAreBounded);
	CPPUNIT_TEST(testRefusalSaysWhere);
	CPPUNIT_TEST_SUITE_END();

	/// Types and values, recursively: `write` alone would not tell 1 from 1.0 or Int64 from UInt64.
	static std::string shape(const Poco::Dynamic::Var& value)
	{
		if (value.type() == typeid(Poco::JSON::Object::Ptr))
		{
			std::string out = "{";
			for (const auto& entry : *value.extract<Poco::JSON::Object::Ptr>())
				out += entry.first + "=" + shape(entry.second) + ";";
			return out + "}";
		}
		if (value.type() == typeid(Poco::JSON::Array::Ptr))
		{
			std::string out = "[";
			for (const auto& element : *value.extract<Poco::JSON::Array::Ptr>()) out += shape(element) + ";";
			return out + "]";
		}
		std::string text;
		Falcon::Plugin::Json::write(value, text);
		return std::string(value.type().name()) + ":" + text;
	}

	/// What either parser makes of `text`: its shape, or "refused".
	template <typename Parse>
	static std::string outcome(Parse parse, const std::string& text)
	{
		try
		{
			return shape(parse(text));
		}
		catch (const Poco::Exception&)
		{
			return "refused";
		}
	}

	static void expectAsPoco(const std::string& text)
	{
		const auto poco = [](const std::string& t) {
			Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
			return parser.parse(t);
		};
		CPPUNIT_ASSERT_EQUAL_MESSAGE(
			"for " + text, outcome(poco, text), outcome(&Falcon::OAuth2::JsonReader::read, text));
	}

public:
	void testEdgeCasesAsPoco()
	{
		const std::vector<std::string> cases{"{}", "[]", " \t\r\n{ } \n", "1", "\"text\"", "true", "null", "", "  ",
			"{\"a\":1,\"a\":2}", "{\"b\":1,\"a\":2,\"b\":3}", "{\"\":\"\"}", "[1] x", "[] []", "{\"a\" 1}",
			"{\"a\":1,}", "[1,]", "[,1]", "{,}", "[01]", "[1.]", "[.5]", "[+1]", "[-]", "[-0]", "[0]", "[-0.0]",
			"[1e5]", "[1E+2]", "[1e-2]", "[2.5e-10]", "[1e400]", "[-1e400]", "[1e-400]", "[1e]", "[1e+]",
			"[9223372036854775807]", "[9223372036854775808]", "[-9223372036854775808]", "[-9223372036854775809]",
			"[18446744073709551615]", "[18446744073709551616]", "[123456789012345678901234567890]",
			"[-8240279749604792260]", "[NaN]", "[Infinity]", "[tru]", "[nul]", "[falsey]", "[true false]",
			"[\"\\u00e9\"]", "[\"\\u00E9\\u4e2D\"]", "[\"\\ud83d\\ude00\"]", "[\"\\ud83d\"]", "[\"\\ude00\"]",
			"[\"\\ud83d\\u0041\"]", "[\"\\u0000x\"]", "[\"\\u00\"]", "[\"\\u00g0\"]", "[\"\\x\"]",
			"[\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"]", "[\"tab\there\"]", "[\"nl\nhere\"]", "[\"\x7f\"]", "[\"\xff\"]",
			"[\"\xc3\xa9\"]", "[\"\xc3\"]", "[\"\xc0\x80\"]", "[\"\xe0\x80\x80\"]", "[\"\xed\xa0\x80\"]",
			"[\"\xf4\x90\x80\x80\"]", "[\"\xf0\x9f\x98\x80\"]", "[\"\xe2\x82\"]", "[\"abc", "[\"abc\\",
			"{\"a\":{\"b\":[1,{\"c\":null}]}}", "{\"a\":}", "{\"a\"}", "{1:2}", "[\"a\"\"b\"]", "\xef\xbb\xbf{}",
			"{}\x00", std::string("[\"nul\0byte\"]", 13), "[1,2,3,[4,[5]]]",
			"{\"access_token\":\"eyJ.abc\",\"expires_in\":1799,\"token_type\":\"bearer\"}"};
		for (const auto& text : cases) expectAsPoco(text);
	}

	/// Valid documents with bytes changed, cut short or repeated: wherever the two could part.
	void testMutatedDocumentsAsPoco()
	{
		const std::vector<std::string> seeds{
			"{\"meta\":{\"query_time\":0.01,\"powered_by\":\"csam\",\"trace_id\":\"a-b\"},\"errors\":[{\"code\":403,"
			"\"message\":\"access denied, invalid client\"}],\"resources\":[]}",
			"{\"access_token\":\"eyJhbGciOi\\u00e9\xc3\xa9\",\"expires_in\":1799,\"token_type\":\"bearer\",\"n\":-1."
			"5e3}",
			"[true,false,null,0,-0.25,1E2,\"\\ud83d\\ude00\",{\"k\":[[],{}]}]"};
		const std::string alphabet = "{}[]\":,\\ -+.eE0123456789tfnu\x01\x7f\x80\xc3\xa9\xed\xf4\xff/abz";
		std::mt19937 random(20261204);
		for (int round = 0; round < 20000; ++round)
		{
			std::string text = seeds[random() % seeds.size()];
			const int changes = 1 + static_cast<int>(random() % 3);
			for (int change = 0; change < changes && !text.empty(); ++change)
			{
				const std::size_t at = random() % text.size();
				switch (random() % 4)
				{
				case 0: text[at] = alphabet[random() % alphabet.size()]; break;
				case 1: text.erase(at, 1 + random() % 3); break;
				case 2: text.insert(at, 1, alphabet[random() % alphabet.size()]); break;
				default: text.resize(at); break;
				}
			}
			expectAsPoco(text);
		}
	}

	void testNestingIsBounded()
	{
		const unsigned limit = Falcon::OAuth2::JsonReader::MAX_DEPTH;
		for (unsigned depth : {limit - 1, limit, limit + 1, 100000u})
		{
			expectAsPoco(std::string(depth, '[') + std::string(depth, ']'));
			std::string objects;
			for (unsigned i = 0; i < depth; ++i) objects += "{\"a\":";
			expectAsPoco(objects + "1" + std::string(depth, '}'));
		}
	}

	/// A hostile reply of many short members is refused at the limit, not read for seconds.
	void testMembersAreBounded()
	{
		const std::size_t limit = Falcon::OAuth2::JsonReader::MAX_MEMBERS;
		const auto members = [](std::size_t count) {
			std::string text = "{";
			for (std::size_t i = 0; i < count; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
			return text + "}";
		};
		const auto atLimit = Falcon::OAuth2::JsonReader::read(members(limit));
		CPPUNIT_ASSERT_EQUAL(limit, atLimit.extract<Poco::JSON::Object::Ptr>()->size());
		for (const std::size_t count : {limit + 1, std::size_t(100000)})
		{
			try
			{
				Falcon::OAuth2::JsonReader::read(members(count));
				CPPUNIT_FAIL("an object of " + std::to_string(count) + " members was read");
			}
			catch (const Poco::JSON::JSONException& e)
			{
				CPPUNIT_ASSERT(e.message().find("more than 1000 members in one object") != std::string::npos);
			}
		}
	}

	void testRefusalSaysWhere()
	{
		try
		{
			Falcon::OAuth2::JsonReader::read("{\"a\":1 \"b\":2}");
			CPPUNIT_FAIL("a missing comma was accepted");
		}
		catch (const Poco::Exception& e)
		{
			CPPUNIT_ASSERT_EQUAL(
				std::string("JSON Exception: expected ',' or '}' after a member at byte 8"), e.displayText());
		}
	}
};

FALCON_REGISTER_SUITE(JsonReaderTest);
