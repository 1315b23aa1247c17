#include "PluginTestKit.h"
#include "SuiteDriver.h"

#include "falcon/plugin/falcon_plugin.h"

#include <Poco/RegularExpression.h>
#include <Poco/Thread.h>

#include <cppunit/extensions/HelperMacros.h>

#include <dlfcn.h>

using namespace Falcon::Testing;

/// The schemas themselves: valid schemas, embedded as they are, and every example on the plugin page (docs/plugin.md)
/// passing them.
class PluginSchemaTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PluginSchemaTest);
	CPPUNIT_TEST(testEverySchemaCompiles);
	CPPUNIT_TEST(testDescribeCarriesTheFiles);
	CPPUNIT_TEST(testDocumentedExamplesValidate);
	CPPUNIT_TEST(testSecretsAreMarked);
	CPPUNIT_TEST(testValidatorReportsPathsNotValues);
	CPPUNIT_TEST_SUITE_END();

	static std::string restringified(const Poco::Dynamic::Var& value)
	{
		std::ostringstream out;
		Poco::JSON::Stringifier::condense(value, out);
		return out.str();
	}

	static Poco::Dynamic::Var ordered(const std::string& text)
	{
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		return parser.parse(text);
	}

public:
	void testEverySchemaCompiles()
	{
		for (const char* name : {"connection.schema.json", "error.schema.json", "oauth2AccessToken.input.schema.json",
				 "oauth2AccessToken.output.schema.json", "oauth2RevokeToken.input.schema.json",
				 "oauth2RevokeToken.output.schema.json"})
			CPPUNIT_ASSERT_NO_THROW_MESSAGE(name, schemaValidator(name));
		const auto plugin = jsonObject(schemaFile("plugin.json"));
		// The API version is the header's alone (the module adds it to its description).
		CPPUNIT_ASSERT(!plugin->has("api_version"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), plugin->getArray("actions")->size());
	}

	void testDescribeCarriesTheFiles()
	{
		void* module = dlopen(FALCON_PLUGIN_MODULE, RTLD_NOW | RTLD_LOCAL);
		CPPUNIT_ASSERT(module != nullptr);
		using Describe = char* (*)();
		using Free = void (*)(char*);
		Describe describe;
		Free release;
		*reinterpret_cast<void**>(&describe) = dlsym(module, "falcon_plugin_describe");
		*reinterpret_cast<void**>(&release) = dlsym(module, "falcon_plugin_free");
		char* text = describe();
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		const auto description = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
		release(text);
		dlclose(module);
		Poco::JSON::Object::Ptr plugin = new Poco::JSON::Object(*description->getObject("plugin"));
		CPPUNIT_ASSERT_EQUAL(FALCON_PLUGIN_API_VERSION, plugin->getValue<int>("api_version"));
		plugin->remove("api_version");
		CPPUNIT_ASSERT_EQUAL(restringified(ordered(schemaFile("plugin.json"))), restringified(plugin));
		CPPUNIT_ASSERT_EQUAL(restringified(ordered(schemaFile("connection.schema.json"))),
			restringified(description->get("connection_schema")));
		const auto actions = description->getArray("actions");
		for (std::size_t i = 0; i < actions->size(); ++i)
		{
			const auto action = actions->getObject(static_cast<unsigned>(i));
			const std::string id = action->getValue<std::string>("operation_id");
			CPPUNIT_ASSERT_EQUAL(restringified(ordered(schemaFile(id + ".input.schema.json"))),
				restringified(action->get("input_schema")));
			CPPUNIT_ASSERT_EQUAL(restringified(ordered(schemaFile(id + ".output.schema.json"))),
				restringified(action->get("output_schema")));
		}
	}

	void testDocumentedExamplesValidate()
	{
		const std::string page = readFile(FALCON_PLUGIN_DOC);
		Poco::RegularExpression example(
			"<!-- validates: ([A-Za-z0-9.]+) -->\\s*```json\\n(.*?)```", Poco::RegularExpression::RE_DOTALL);
		std::string::size_type offset = 0;
		Poco::RegularExpression::MatchVec match;
		int checked = 0;
		while (example.match(page, offset, match) > 0)
		{
			const std::string schema = page.substr(match[1].offset, match[1].length);
			const std::string text = page.substr(match[2].offset, match[2].length);
			const auto problems = schemaValidator(schema)->validate(Poco::JSON::Parser().parse(text), "example");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(
				schema + ": " + text + (problems.empty() ? "" : problems.front()), std::size_t(0), problems.size());
			offset = match[0].offset + match[0].length;
			++checked;
		}
		CPPUNIT_ASSERT_EQUAL(7, checked);
	}

	void testSecretsAreMarked()
	{
		const auto connection = jsonObject(schemaFile("connection.schema.json"))->getObject("properties");
		for (const char* secret : {"client_secret", "proxy"})
		{
			CPPUNIT_ASSERT(connection->getObject(secret)->getValue<bool>("x-secret"));
			CPPUNIT_ASSERT(connection->getObject(secret)->getValue<bool>("writeOnly"));
		}
		CPPUNIT_ASSERT(!connection->getObject("client_id")->has("x-secret"));
		const auto body =
			jsonObject(schemaFile("oauth2AccessToken.output.schema.json"))->getObject("properties")->getObject("body");
		CPPUNIT_ASSERT(body->getObject("properties")->getObject("access_token")->getValue<bool>("x-secret"));
		CPPUNIT_ASSERT(jsonObject(schemaFile("oauth2RevokeToken.input.schema.json"))
						   ->getObject("properties")
						   ->getObject("token")
						   ->getValue<bool>("x-secret"));
	}

	void testValidatorReportsPathsNotValues()
	{
		const auto problems = schemaValidator("connection.schema.json")
								  ->validate(jsonObject("{\"client_id\": \"x\", \"client_secret\": 12345678, "
														"\"cloud\": \"secret-cloud-name\", \"max_retries\": 99}"),
									  "connection");
		std::string all;
		for (const auto& problem : problems) all += problem + "\n";
		CPPUNIT_ASSERT_MESSAGE(all, all.find("connection.client_secret: ") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(all, all.find("connection.cloud: ") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(all, all.find("connection.max_retries: ") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(all, all.find("12345678") == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(all, all.find("secret-cloud-name") == std::string::npos);
		CPPUNIT_ASSERT_THROW(Falcon::Plugin::SchemaValidator("{not json"), Poco::DataFormatException);

		// Text that is not UTF-8 is refused by path before the schema library counts its
		// characters (it read past its tables on such strings).
		Poco::JSON::Object::Ptr notText = new Poco::JSON::Object;
		notText->set("client_id", std::string("ok"));
		notText->set("client_secret", std::string("\xC3\x28\x80\x80\x80\x80\x80\x80\x80secret-bytes"));
		const auto refused = schemaValidator("connection.schema.json")->validate(notText, "connection");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), refused.size());
		CPPUNIT_ASSERT_EQUAL(std::string("connection.client_secret: is not valid UTF-8 text"), refused.front());
		notText->set("client_secret", std::string("\xF0\x9F\x94\x91 caf\xC3\xA9")); // well-formed: accepted
		CPPUNIT_ASSERT(schemaValidator("connection.schema.json")->validate(notText, "connection").empty());
		CPPUNIT_ASSERT_THROW(Falcon::Plugin::SchemaValidator(
								 "{\"$id\": \"here.json\", \"properties\": {\"a\": {\"$ref\": \"nowhere.json\"}}}"),
			Poco::DataFormatException);

		// Reference chains the schema library would follow until the stack overflows are refused;
		// references that reach a schema still work.
		for (const char* looping :
			{R"({"$ref": "#"})", R"({"$ref": "unknown.json"})",
				R"({"$ref": "#/definitions/a", "definitions": {"a": {"$ref": "other.json"}}})",
				R"({"properties": {"x": {"$ref": "#/definitions/a"}}, "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}})",
				R"({"properties": {"x": {"$ref": "#/definitions/a~1b"}}, "definitions": {"a/b": {"$ref": "#/properties/x"}}})",
				R"({"$ref": "#/"})", R"({"$ref": "#//definitions//a", "definitions": {"a": {"$ref": "#"}}})"})
		{
			CPPUNIT_ASSERT_THROW_MESSAGE(
				looping, Falcon::Plugin::SchemaValidator{std::string(looping)}, Poco::DataFormatException);
		}
		// Found by fuzzing: a malformed percent escape in a reference escaped as SyntaxException.
		CPPUNIT_ASSERT_THROW(
			Falcon::Plugin::SchemaValidator{std::string(R"({"properties": {"a": {"$ref": "#/d%finitions/a"}}})")},
			Poco::DataFormatException);
		const Falcon::Plugin::SchemaValidator reaching(
			R"({"$ref": "#/definitions/a", "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"type": "string"}}})");
		CPPUNIT_ASSERT(reaching.validate(std::string("text"), "value").empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), reaching.validate(42, "value").size());
		// A pattern needs a maxLength, and is only matched within it: std::regex recurses per
		// character, and 16,000 characters overflowed a 1 MiB stack.
		CPPUNIT_ASSERT_THROW(Falcon::Plugin::SchemaValidator{std::string(
								 R"({"properties": {"a": {"type": "string", "pattern": "^a*$"}}})")},
			Poco::DataFormatException);
		CPPUNIT_ASSERT_THROW(Falcon::Plugin::SchemaValidator{std::string(R"({"patternProperties": {"^a*$": {}}})")},
			Poco::DataFormatException);
		const Falcon::Plugin::SchemaValidator enumData(R"({"enum": [{"pattern": "not a schema"}]})");
		CPPUNIT_ASSERT(enumData.validate(jsonObject(R"({"pattern": "not a schema"})"), "value").empty());
		CPPUNIT_ASSERT_THROW(Falcon::Plugin::SchemaValidator{std::string(R"({"maxLength": 2049, "pattern": "^a*$"})")},
			Poco::DataFormatException);
		CPPUNIT_ASSERT_THROW(
			Falcon::Plugin::SchemaValidator{std::string(R"({"format": "date-time"})")}, Poco::DataFormatException);
		// Found by fuzzing: a format meeting a number made valijson throw out of validate().
		const Falcon::Plugin::SchemaValidator dated(R"({"format": "date-time", "maxLength": 40})");
		CPPUNIT_ASSERT(dated.validate(1.5, "value").empty());
		CPPUNIT_ASSERT(dated.validate(std::string("2026-11-28T21:00:00Z"), "value").empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), dated.validate(std::string("yesterday"), "value").size());
		std::vector<std::string> longProblems;
		std::vector<std::string> longestMatched;
		Poco::Thread smallStack;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
		smallStack.setStackSize(4 * 1024 * 1024); // instrumented frames are several times larger
#else
		smallStack.setStackSize(1024 * 1024);
#endif
		smallStack.startFunc([&] {
			longProblems =
				schemaValidator("oauth2AccessToken.input.schema.json")
					->validate(jsonObject("{\"member_cid\": \"" + std::string(100000, 'a') + "\"}"), "input");
			// The longest string a pattern may see, against a pattern that recurses per character.
			longestMatched = Falcon::Plugin::SchemaValidator(R"({"maxLength": 2048, "pattern": "^a*$"})")
								 .validate(std::string(2048, 'a'), "value");
		});
		smallStack.join();
		CPPUNIT_ASSERT(longestMatched.empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), longProblems.size());
		CPPUNIT_ASSERT_EQUAL(std::string("input.member_cid: String should be no more than 128 characters in length."),
			longProblems.front());
		const auto shortProblems = schemaValidator("oauth2AccessToken.input.schema.json")
									   ->validate(jsonObject(R"({"member_cid": "xyz"})"), "input");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), shortProblems.size());
		CPPUNIT_ASSERT_EQUAL(std::string("input.member_cid: Failed to match regex specified by 'pattern' constraint."),
			shortProblems.front());

		const Falcon::Plugin::SchemaValidator recursive(
			R"({"type": "object", "properties": {"child": {"$ref": "#"}}})");
		CPPUNIT_ASSERT(recursive.validate(jsonObject(R"({"child": {"child": {}}})"), "value").empty());
	}
};

FALCON_REGISTER_SUITE(PluginSchemaTest);
