#include "ClientTestKit.h"
#include "ConnectProxy.h"
#include "LogCapture.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/net/BasicCredentials.h"
#include "falcon/oauth2/http/FormBody.h"
#include "falcon/oauth2/http/IssuedToken.h"
#include "falcon/oauth2/OAuth2Client.h"

#include <Poco/URI.h>

#include <cppunit/extensions/HelperMacros.h>

#include <set>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;
using namespace std::chrono;

namespace {

std::string jsonEscaped(const std::string& text)
{
	std::string out;
	for (char c : text) out += c == '/' ? std::string("\\/") : std::string(1, c);
	return out;
}

/// Every spelling of every secret the scenarios handle.
class SecretList
{
public:
	void add(const std::string& secret)
	{
		std::string percent;
		Poco::URI::encode(secret, "!#$&'()*+,/:;=?@[]", percent);
		for (const std::string& spelling : {secret, FormBody::encode(secret), percent, jsonEscaped(secret)})
			_spellings.insert(spelling);
	}

	/// The first secret spelling found in `text`, or "".
	std::string foundIn(const std::string& text) const
	{
		for (const auto& spelling : _spellings)
		{
			if (text.find(spelling) != std::string::npos) return spelling;
		}
		return {};
	}

private:
	std::set<std::string> _spellings;
};

} // namespace

/// Runs every scenario with all logging on, keeps every log line, error message and exception
/// text, and proves that no secret value appears in any of them.
class RedactionTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RedactionTest);
	CPPUNIT_TEST(testNoSecretInAnyLogOrError);
	CPPUNIT_TEST_SUITE_END();

	SecretList _secrets;
	std::string _errors;

	void record(const ApiResult& result)
	{
		if (auto issued = IssuedToken::fromBody(result.body)) _secrets.add(issued->accessToken);
		if (result.error) _errors += result.error->message + "\n";
	}

	void runScenarios()
	{
		const std::string echoedToken = "echoed-token/value+1=";
		_secrets.add(echoedToken);
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = configFor(server);
		config.maxRetries = 1;
		OAuth2Client client(config);

		// Success, cache, revoke.
		const TokenResult token = client.token();
		record(token);
		record(client.token());
		RevokeOptions revoke;
		revoke.token = IssuedToken::fromBody(token.body)->accessToken;
		record(client.revoke(revoke));

		// A server that echoes what it was sent, in an error and in a header.
		server.setHandler([](const RecordedRequest& request) {
			return metaReply(400, "bad request: " + request.body + " auth=" + request.header("Authorization"),
				{{"X-Echo", request.body}});
		});
		record(client.token(TokenOptions::forced()));
		revoke.token = echoedToken;
		record(client.revoke(revoke));

		// 429 then success, 308 then success, region error.
		int calls = 0;
		server.setHandler([&](const RecordedRequest&) {
			return ++calls == 1 ? metaReply(429, "rate limited", {{"X-Ratelimit-Retryafter", "0"}})
								: tokenReply(nextTestToken());
		});
		record(client.token(TokenOptions::forced()));
		server.setHandler([&](const RecordedRequest& request) {
			if (request.body.find("redirected") == std::string::npos && ++calls % 2 == 0)
			{
				ScriptedReply reply;
				reply.status = 308;
				reply.headers = {{"Location", "/oauth2/token"}};
				return reply;
			}
			return tokenReply(nextTestToken());
		});
		record(client.token(TokenOptions::forced()));
		server.setHandler(
			[](const RecordedRequest&) { return ScriptedReply::json(201, "not json " + TEST_CLIENT_SECRET); });
		record(client.token(TokenOptions::forced()));

		// Refused login, then served from the backoff.
		server.setHandler([](const RecordedRequest&) { return metaReply(403, "access denied, invalid client"); });
		record(client.token(TokenOptions::forced()));
		record(client.token());

		// Timeout.
		server.setHandler([](const RecordedRequest&) {
			ScriptedReply r;
			r.silent = true;
			return r;
		});
		ClientConfig hurried = config;
		hurried.callTimeout = milliseconds(300);
		OAuth2Client impatient(hurried);
		record(impatient.token());

		// TLS failure.
		const auto foreign = foreignPki().issue("foreign-redaction", {}, {"127.0.0.1"});
		ScriptedServer impostor(falconLike(), &foreign);
		OAuth2Client fooled(configFor(impostor));
		record(fooled.token());

		// Proxies: refused and accepted.
		ConnectProxy proxy("alice", TEST_PROXY_PASSWORD);
		server.setHandler(falconLike());
		ClientConfig proxied = config;
		proxied.proxy = "http://alice:pr0xy%2Fpass%2Bword@127.0.0.1:" + std::to_string(proxy.port());
		OAuth2Client viaProxy(proxied);
		record(viaProxy.token());
		ConnectProxy strict("alice", "other");
		proxied.proxy = "http://alice:pr0xy%2Fpass%2Bword@127.0.0.1:" + std::to_string(strict.port());
		OAuth2Client refusedByProxy(proxied);
		record(refusedByProxy.token());

		// Refused configurations.
		for (auto spoil : std::vector<std::function<void(ClientConfig&)>>{
				 [](ClientConfig& c) { c.clientSecret += "\n"; },
				 [](ClientConfig& c) { c.proxy = "socks5://alice:" + TEST_PROXY_PASSWORD + "@127.0.0.1:1"; },
				 [](ClientConfig& c) { c.proxy = "http://alice:" + TEST_PROXY_PASSWORD + "@[bad"; },
				 [](ClientConfig& c) { c.baseUrl = "https://user:" + TEST_CLIENT_SECRET + "@127.0.0.1"; },
			 })
		{
			ClientConfig bad = config;
			spoil(bad);
			try
			{
				OAuth2Client refused(bad);
				CPPUNIT_FAIL("a spoiled configuration was accepted");
			}
			catch (const InvalidInputException& e)
			{
				_errors += e.displayText() + "\n";
			}
		}
	}

public:
	void testNoSecretInAnyLogOrError()
	{
		_secrets.add(TEST_CLIENT_SECRET);
		_secrets.add(TEST_PROXY_PASSWORD);
		_secrets.add(basicCredentials(TEST_CLIENT_ID, TEST_CLIENT_SECRET));
		std::string logged;
		{
			LogCapture capture("falcon.oauth2", Poco::Message::PRIO_TRACE);
			runScenarios();
			logged = capture.text();
		}
		// The scenarios really ran, with detail: a vacuous log would prove nothing.
		CPPUNIT_ASSERT(
			logged.find("request body: client_id=" + TEST_CLIENT_ID + "&client_secret=***") != std::string::npos);
		CPPUNIT_ASSERT(logged.find("Authorization: basic ***") != std::string::npos);
		CPPUNIT_ASSERT(logged.find("\"access_token\": \"***\"") != std::string::npos);
		CPPUNIT_ASSERT(_errors.find("bad request: client_id=") != std::string::npos);
		CPPUNIT_ASSERT(_errors.find("Proxy Authentication Required") != std::string::npos);

		const std::string leakedInLog = _secrets.foundIn(logged);
		CPPUNIT_ASSERT_EQUAL_MESSAGE("a secret reached the log", std::string(), leakedInLog);
		const std::string leakedInError = _secrets.foundIn(_errors);
		CPPUNIT_ASSERT_EQUAL_MESSAGE("a secret reached an error message", std::string(), leakedInError);
	}
};

FALCON_REGISTER_SUITE(RedactionTest);
