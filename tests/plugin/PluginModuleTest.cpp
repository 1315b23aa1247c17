#include "OnCpu.h"
#include "PluginTestKit.h"
#include "SuiteDriver.h"

#include "falcon/plugin/PluginLoader.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

using namespace Falcon::Plugin;
using namespace Falcon::Testing;

/// A host's view of the module: load it through the manifest, read its actions and schemas,
/// invoke both actions against the emulator in every documented input form, unload it.
class PluginModuleTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PluginModuleTest);
	CPPUNIT_TEST(testManifestListsBothActions);
	CPPUNIT_TEST(testMissingOutputIsAFailure);
	CPPUNIT_TEST(testSchemasAreTheFiles);
	CPPUNIT_TEST(testTokenKeywordStyleAndCache);
	CPPUNIT_TEST(testChangingACachedOutputReachesNoOtherCall);
	CPPUNIT_TEST(testTokenUberStyle);
	CPPUNIT_TEST(testRevokeKeywordAndUberStyle);
	CPPUNIT_TEST(testRefusedInputsSendNothing);
	CPPUNIT_TEST(testApiFailuresComeBackAsResults);
	CPPUNIT_TEST(testUnloadAndReload);
	CPPUNIT_TEST_SUITE_END();

	std::unique_ptr<Falcon::Emulator::FalconEmulator> _emulator;
	std::unique_ptr<PluginLoader> _plugin;

	ActionResult invoke(
		const std::string& action, const std::string& input, Poco::JSON::Object::Ptr connection = nullptr)
	{
		const Action* found = _plugin->find(action);
		CPPUNIT_ASSERT_MESSAGE("no action " + action, found != nullptr);
		const ActionContext context(connection ? connection : connectionFor(*_emulator), Poco::Logger::get("test.host"),
			ActionContext::Clock::now() + std::chrono::seconds(10));
		ActionResult result = found->invoke(jsonObject(input), context);
		// Every output the module produces matches its schema.
		const auto problems =
			schemaValidator(found->operationId() + ".output.schema.json")->validate(result.output(), "output");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(
			result.toJSON() + (problems.empty() ? "" : " " + problems.front()), std::size_t(0), problems.size());
		return result;
	}

	std::string tokenIn(const ActionResult& result)
	{
		return result.output()->getObject("body")->getValue<std::string>("access_token");
	}

	std::string messageOf(const ActionResult& result)
	{
		return result.output()->getObject("error")->getValue<std::string>("message");
	}

public:
	void setUp() override
	{
		_emulator = startEmulator();
		_plugin = std::make_unique<PluginLoader>();
		_plugin->load(FALCON_PLUGIN_MODULE);
	}

	void tearDown() override
	{
		_plugin.reset();
		_emulator.reset();
	}

	/// A result without an output is a failure a host can see, not a success with status 0.
	void testMissingOutputIsAFailure()
	{
		const ActionResult missing(nullptr);
		CPPUNIT_ASSERT(!missing.ok());
		CPPUNIT_ASSERT_EQUAL(500, missing.statusCode());
		CPPUNIT_ASSERT_EQUAL(std::string("protocol"), missing.errorKind());
		const auto problems = schemaValidator("error.schema.json")->validate(missing.output()->get("error"), "error");
		CPPUNIT_ASSERT_MESSAGE(problems.empty() ? "" : problems.front(), problems.empty());
	}

	void testManifestListsBothActions()
	{
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _plugin->actions().size());
		CPPUNIT_ASSERT_EQUAL(std::string("oauth2AccessToken"), _plugin->find("token")->operationId());
		CPPUNIT_ASSERT_EQUAL(std::string("oauth2RevokeToken"), _plugin->find("revoke")->operationId());
		CPPUNIT_ASSERT_EQUAL(std::string("token"), _plugin->find("oauth2AccessToken")->alias());
		CPPUNIT_ASSERT_EQUAL(std::string("revoke"), _plugin->find("oauth2RevokeToken")->alias());
		CPPUNIT_ASSERT(_plugin->find("oauth2Nonsense") == nullptr);
		for (const auto& action : _plugin->actions()) CPPUNIT_ASSERT(!action->description().empty());
	}

	/// `text` as one line with its keys in order: the files' content, whatever the layout.
	static std::string condensed(const std::string& text)
	{
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		std::ostringstream out;
		Poco::JSON::Stringifier::condense(parser.parse(text), out);
		return out.str();
	}

	/// The files as they are; the connection schema's text is the loader's to give, as the
	/// module wrote it in its description (on one line).
	void testSchemasAreTheFiles()
	{
		for (const auto& action : _plugin->actions())
		{
			CPPUNIT_ASSERT_EQUAL(schemaFile(action->operationId() + ".input.schema.json"), action->inputSchema());
			CPPUNIT_ASSERT_EQUAL(schemaFile(action->operationId() + ".output.schema.json"), action->outputSchema());
		}
		const std::string connection = _plugin->connectionSchemaText();
		CPPUNIT_ASSERT_EQUAL(condensed(schemaFile("connection.schema.json")), condensed(connection));
		CPPUNIT_ASSERT(
			connection.front() == '{' && connection.back() == '}' && connection.find('\n') == std::string::npos);
	}

	void testTokenKeywordStyleAndCache()
	{
		const ActionResult first = invoke("oauth2AccessToken", "{}");
		CPPUNIT_ASSERT(first.ok());
		CPPUNIT_ASSERT_EQUAL(201, first.statusCode());
		CPPUNIT_ASSERT(!first.output()->getValue<bool>("cached"));
		CPPUNIT_ASSERT_EQUAL(std::string("api"), first.output()->getValue<std::string>("source"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("us-1"), first.output()->getObject("headers")->getValue<std::string>("X-Cs-Region"));
		const ActionResult second = invoke("token", "{}");
		CPPUNIT_ASSERT(second.output()->getValue<bool>("cached"));
		CPPUNIT_ASSERT_EQUAL(std::string("memory"), second.output()->getValue<std::string>("source"));
		CPPUNIT_ASSERT_EQUAL(tokenIn(first), tokenIn(second));
		const ActionResult forced = invoke("token", "{\"force\": true}");
		CPPUNIT_ASSERT(!forced.output()->getValue<bool>("cached"));
		CPPUNIT_ASSERT(tokenIn(forced) != tokenIn(first));
		CPPUNIT_ASSERT_EQUAL(2ul, _emulator->log().counters().tokenRequests);
		const ActionResult member = invoke("token", "{\"member_cid\": \"abcdef0123456789abcdef0123456789\"}");
		CPPUNIT_ASSERT(member.ok());
		CPPUNIT_ASSERT(!member.output()->getValue<bool>("cached")); // another member CID, another session
		CPPUNIT_ASSERT(_emulator->log().entries().back().form.back()
			== std::make_pair(std::string("member_cid"), std::string("abcdef0123456789abcdef0123456789")));
	}

	/// Cached hits share what the module keeps; a host that changes the output it was given (as
	/// a workflow masks one) changes its own copy only.
	void testChangingACachedOutputReachesNoOtherCall()
	{
		// On one CPU: the module keeps a hit's output per CPU.
		const bool checked = Falcon::Testing::onCpu(Falcon::Testing::usableCpus().front(), [&] {
			const std::string token = tokenIn(invoke("token", "{}"));
			invoke("token", "{}"); // the first hit gives this CPU its copy of the token
			const ActionResult hit = invoke("token", "{}");
			const ActionResult other = invoke("token", "{}");
			CPPUNIT_ASSERT(hit.output()->getValue<bool>("cached"));
			Poco::JSON::Object::Ptr changed = hit.output();
			changed->getObject("body")->set("access_token", std::string("***"));
			changed->getObject("headers")->set("X-Cs-Region", std::string("changed"));
			changed->remove("source");
			CPPUNIT_ASSERT_EQUAL(token, tokenIn(other));
			CPPUNIT_ASSERT(other.toJSON().find("\"source\":\"memory\"") != std::string::npos);
			const ActionResult next = invoke("token", "{}");
			CPPUNIT_ASSERT_EQUAL(token, tokenIn(next));
			CPPUNIT_ASSERT_EQUAL(
				std::string("us-1"), next.output()->getObject("headers")->getValue<std::string>("X-Cs-Region"));
			CPPUNIT_ASSERT_EQUAL(std::string("memory"), next.output()->getValue<std::string>("source"));
			CPPUNIT_ASSERT(hit.toJSON().find("\"access_token\":\"***\"") != std::string::npos);
			return true;
		});
		CPPUNIT_ASSERT(checked);
		CPPUNIT_ASSERT_EQUAL(1ul, _emulator->log().counters().tokenRequests);
	}

	void testTokenUberStyle()
	{
		Poco::JSON::Object::Ptr connection = connectionFor(*_emulator);
		connection->remove("client_id");
		connection->set("client_id", "placeholder");
		connection->set("client_secret", "placeholder");
		const ActionResult result = invoke("oauth2AccessToken",
			"{\"data\": {\"client_id\": \"" + PLUGIN_CLIENT + "\", \"client_secret\": \"" + PLUGIN_SECRET + "\"}}",
			connection);
		CPPUNIT_ASSERT_EQUAL(201, result.statusCode());
		const ActionResult refused = invoke("oauth2AccessToken", "{}", connection);
		CPPUNIT_ASSERT_EQUAL(403, refused.statusCode());
		CPPUNIT_ASSERT_EQUAL(std::string("auth_failed"), refused.errorKind());
	}

	void testRevokeKeywordAndUberStyle()
	{
		const std::string first = tokenIn(invoke("token", "{\"force\": true}"));
		const std::string second = tokenIn(invoke("token", "{\"force\": true}"));
		const ActionResult keyword = invoke("oauth2RevokeToken", "{\"token\": \"" + first + "\"}");
		CPPUNIT_ASSERT(keyword.ok());
		CPPUNIT_ASSERT_EQUAL(200, keyword.statusCode());
		const ActionResult uber =
			invoke("revoke", "{\"data\": {\"token\": \"" + second + "\", \"client_id\": \"" + PLUGIN_CLIENT + "\"}}");
		CPPUNIT_ASSERT_EQUAL(200, uber.statusCode());
		CPPUNIT_ASSERT(_emulator->tokens().check(first, "us-1") == Falcon::Emulator::TokenStore::State::Revoked);
		CPPUNIT_ASSERT(_emulator->tokens().check(second, "us-1") == Falcon::Emulator::TokenStore::State::Revoked);
		CPPUNIT_ASSERT_EQUAL(std::string("token=***&client_id=" + PLUGIN_CLIENT),
			_emulator->log().entries().back().form.at(0).first + "="
				+ _emulator->log().entries().back().form.at(0).second + "&"
				+ _emulator->log().entries().back().form.at(1).first + "="
				+ _emulator->log().entries().back().form.at(1).second);
		// The revoked cached token is not served again.
		CPPUNIT_ASSERT(!invoke("token", "{}").output()->getValue<bool>("cached"));
	}

	void testRefusedInputsSendNothing()
	{
		struct Case
		{
			const char* action;
			std::string input;
			std::function<void(Poco::JSON::Object::Ptr&)> spoil;
			const char* expected;
		};
		const Case cases[] = {
			{"token", "{\"bogus\": 1}", nullptr, "input: "},
			{"token", "{\"force\": \"yes\"}", nullptr, "input.force: "},
			{"token", "{\"data\": {\"client_id\": 5}}", nullptr, "input.data.client_id: "},
			{"token", "{\"member_cid\": \"not hex\"}", nullptr, "input.member_cid: "},
			{"revoke", "{}", nullptr, "input: "},
			{"revoke", "{\"token\": \"a\", \"data\": {\"token\": \"b\"}}", nullptr, "input: "},
			{"revoke", "{\"token\": \"\"}", nullptr, "input.token: "},
			{"token", "{}", [](Poco::JSON::Object::Ptr& c) { c->remove("client_secret"); }, "connection: "},
			{"token", "{}", [](Poco::JSON::Object::Ptr& c) { c->set("cloud", "mars-1"); }, "connection.cloud: "},
			{"token", "{}", [](Poco::JSON::Object::Ptr& c) { c->set("max_retries", 99); }, "connection.max_retries: "},
			{"token", "{}", [](Poco::JSON::Object::Ptr& c) { c->set("base_url", "http://api.example.com"); },
				"base_url: plain http:// is allowed only for loopback hosts"},
			{"token", "{}", [](Poco::JSON::Object::Ptr& c) { c->set("ca_bundle", "/nonexistent.pem"); },
				"ca_bundle: no such file"},
		};
		for (const Case& c : cases)
		{
			Poco::JSON::Object::Ptr connection = connectionFor(*_emulator);
			if (c.spoil) c.spoil(connection);
			const ActionResult result = invoke(c.action, c.input, connection);
			const std::string label = std::string(c.action) + " " + c.input + " -> " + result.toJSON();
			CPPUNIT_ASSERT_EQUAL_MESSAGE(label, 400, result.statusCode());
			CPPUNIT_ASSERT_EQUAL_MESSAGE(label, std::string("invalid_input"), result.errorKind());
			CPPUNIT_ASSERT_MESSAGE(label, messageOf(result).find(c.expected) != std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(label, result.toJSON().find(PLUGIN_SECRET) == std::string::npos);
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _emulator->log().entries().size());
	}

	void testApiFailuresComeBackAsResults()
	{
		_emulator->faults().add("token=503");
		Poco::JSON::Object::Ptr connection = connectionFor(*_emulator);
		connection->set("max_retries", 0);
		const ActionResult result = invoke("token", "{}", connection);
		CPPUNIT_ASSERT(!result.ok());
		CPPUNIT_ASSERT_EQUAL(503, result.statusCode());
		CPPUNIT_ASSERT_EQUAL(std::string("server_error"), result.errorKind());
		CPPUNIT_ASSERT(result.output()->getObject("error")->getValue<bool>("retryable"));
	}

	void testUnloadAndReload()
	{
		CPPUNIT_ASSERT(invoke("token", "{}").ok());
		_plugin->unload();
		CPPUNIT_ASSERT(!_plugin->loaded());
		CPPUNIT_ASSERT(_plugin->actions().empty());
		_plugin->load(FALCON_PLUGIN_MODULE);
		CPPUNIT_ASSERT(invoke("token", "{}").ok());
	}
};

FALCON_REGISTER_SUITE(PluginModuleTest);
