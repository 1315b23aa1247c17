#include "ClientTestKit.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/http/IssuedToken.h"
#include "falcon/oauth2/OAuth2Client.h"
#include "falcon/oauth2/Version.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;

namespace {

/// A request as it goes on the wire: the start line and headers, each ended by CRLF, a blank
/// line, the body.
std::string httpMessage(const std::vector<std::string>& head, const std::string& body)
{
	std::string message;
	for (const auto& line : head) message += line + "\r\n";
	return message + "\r\n" + body;
}

std::string accessTokenOf(const ApiResult& result)
{
	return IssuedToken::fromBody(result.body)->accessToken;
}

const std::string BASIC = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY6czNjcjN0L1ZhbHVlK3dpdGg9c3BlY2lhbCZjaGFycw==";

} // namespace

class ClientWireTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ClientWireTest);
	CPPUNIT_TEST(testTokenRequestBytes);
	CPPUNIT_TEST(testMemberCidIsSentLast);
	CPPUNIT_TEST(testRevokeRequestBytes);
	CPPUNIT_TEST(testCustomUserAgent);
	CPPUNIT_TEST(testResultPassesReplyThrough);
	CPPUNIT_TEST(testKeepAliveReusesOneConnection);
	CPPUNIT_TEST(testReconnectsAfterServerCloses);
	CPPUNIT_TEST(testRevokeRefusesBadInputWithoutSending);
	CPPUNIT_TEST(testRevokingTheCachedTokenForgetsIt);
	CPPUNIT_TEST(testRevokingAnotherTokenKeepsTheCache);
	CPPUNIT_TEST(testApiErrorsAreClassified);
	CPPUNIT_TEST(testConnectionRefusedIsSynthetic);
	CPPUNIT_TEST(testPlainHttpOnLoopback);
	CPPUNIT_TEST_SUITE_END();

public:
	void testTokenRequestBytes()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client client(configFor(server));
		CPPUNIT_ASSERT(client.token().ok());
		const auto requests = server.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), requests.size());
		const std::string body =
			"client_id=0123456789abcdef0123456789abcdef&client_secret=s3cr3t%2FValue%2Bwith%3Dspecial%26chars";
		const std::string expected =
			httpMessage({"POST /oauth2/token HTTP/1.1", "Host: 127.0.0.1:" + std::to_string(server.port()),
							"User-Agent: " FALCON_OAUTH2_PRODUCT, "CrowdStrike-SDK: " FALCON_OAUTH2_PRODUCT,
							"Accept: application/json", "Content-Type: application/x-www-form-urlencoded",
							"Content-Length: " + std::to_string(body.size()), "Connection: Keep-Alive"},
				body);
		CPPUNIT_ASSERT_EQUAL(expected, requests[0].raw);
		CPPUNIT_ASSERT(requests[0].header("Authorization").empty());
	}

	void testMemberCidIsSentLast()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = configFor(server);
		config.memberCid = "fedcba9876543210fedcba9876543210";
		OAuth2Client client(config);
		client.token();
		CPPUNIT_ASSERT_EQUAL(
			std::string(
				"client_id=0123456789abcdef0123456789abcdef&client_secret=s3cr3t%2FValue%2Bwith%3Dspecial%26chars"
				"&member_cid=fedcba9876543210fedcba9876543210"),
			server.requests().at(0).body);
	}

	void testRevokeRequestBytes()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client client(configFor(server));
		RevokeOptions revoke;
		revoke.token = "abc/def+ghi=";
		CPPUNIT_ASSERT(client.revoke(revoke).ok());
		revoke.clientId = "owner-client";
		CPPUNIT_ASSERT(client.revoke(revoke).ok());
		const auto requests = server.requests();
		const std::string body = "token=abc%2Fdef%2Bghi%3D";
		const std::string expected =
			httpMessage({"POST /oauth2/revoke HTTP/1.1", "Host: 127.0.0.1:" + std::to_string(server.port()),
							"User-Agent: " FALCON_OAUTH2_PRODUCT, "CrowdStrike-SDK: " FALCON_OAUTH2_PRODUCT,
							"Accept: application/json", "Authorization: basic " + BASIC,
							"Content-Type: application/x-www-form-urlencoded",
							"Content-Length: " + std::to_string(body.size()), "Connection: Keep-Alive"},
				body);
		CPPUNIT_ASSERT_EQUAL(expected, requests.at(0).raw);
		CPPUNIT_ASSERT_EQUAL(std::string("token=abc%2Fdef%2Bghi%3D&client_id=owner-client"), requests.at(1).body);
	}

	void testCustomUserAgent()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = configFor(server);
		config.userAgent = "acme-soar/2.1";
		OAuth2Client client(config);
		client.token();
		CPPUNIT_ASSERT_EQUAL(
			std::string("acme-soar/2.1 " FALCON_OAUTH2_PRODUCT), server.requests().at(0).header("User-Agent"));
		CPPUNIT_ASSERT_EQUAL(std::string(FALCON_OAUTH2_PRODUCT), server.requests().at(0).header("CrowdStrike-SDK"));
	}

	void testResultPassesReplyThrough()
	{
		const std::string body =
			"{\"access_token\": \"tok\", \"expires_in\": 1799, \"token_type\": \"bearer\", \"extra\": [1, 2]}";
		ScriptedServer server(
			[&](const RecordedRequest&) {
				return ScriptedReply::json(201, body,
					{{"X-Cs-Region", "us-1"}, {"X-Cs-Traceid", "trace-1"}, {"X-Ratelimit-Remaining", "299"}});
			},
			&loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT(result.ok());
		CPPUNIT_ASSERT_EQUAL(201, result.statusCode);
		CPPUNIT_ASSERT_EQUAL(body, result.body);
		CPPUNIT_ASSERT_EQUAL(std::string("X-Cs-Region"), result.headers.at(0).first);
		CPPUNIT_ASSERT_EQUAL(std::string("X-Cs-Traceid"), result.headers.at(1).first);
		CPPUNIT_ASSERT_EQUAL(std::string("299"), result.header("x-ratelimit-remaining"));
		std::ostringstream json;
		result.toJSON()->stringify(json);
		CPPUNIT_ASSERT(
			json.str().find(
				"\"body\":{\"access_token\":\"tok\",\"expires_in\":1799,\"token_type\":\"bearer\",\"extra\":[1,2]}")
			!= std::string::npos);
		CPPUNIT_ASSERT(json.str().find("\"error\"") == std::string::npos);
	}

	void testKeepAliveReusesOneConnection()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult first = client.token(TokenOptions::forced());
		const TokenResult second = client.token(TokenOptions::forced());
		RevokeOptions revoke;
		revoke.token = accessTokenOf(second);
		client.revoke(revoke);
		CPPUNIT_ASSERT(first.ok() && second.ok());
		CPPUNIT_ASSERT(accessTokenOf(first) != accessTokenOf(second));
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), server.requests().size());
		CPPUNIT_ASSERT_EQUAL(1u, server.connections());
		CPPUNIT_ASSERT_EQUAL(1u, client.connectionsOpened());
	}

	void testReconnectsAfterServerCloses()
	{
		ScriptedServer server(
			[](const RecordedRequest&) {
				ScriptedReply reply = tokenReply(nextTestToken());
				reply.close = true;
				return reply;
			},
			&loopbackCertificate());
		OAuth2Client client(configFor(server));
		CPPUNIT_ASSERT(client.token(TokenOptions::forced()).ok());
		CPPUNIT_ASSERT(client.token(TokenOptions::forced()).ok());
		CPPUNIT_ASSERT_EQUAL(2u, server.connections());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requests().size());
	}

	void testRevokeRefusesBadInputWithoutSending()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client client(configFor(server));
		ApiResult empty = client.revoke(RevokeOptions{});
		CPPUNIT_ASSERT_EQUAL(400, empty.statusCode);
		CPPUNIT_ASSERT_EQUAL(std::string("token: must not be empty"), empty.error->message);
		CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), std::string(toString(empty.error->kind)));
		CPPUNIT_ASSERT(empty.body.find("\"resources\":[]") != std::string::npos);
		RevokeOptions injected;
		injected.token = "abc\r\nX-Evil: 1";
		CPPUNIT_ASSERT_EQUAL(
			std::string("token: must not contain control characters"), client.revoke(injected).error->message);
		RevokeOptions huge;
		huge.token = std::string(ClientConfig::MAX_TOKEN_LENGTH + 1, 'a');
		CPPUNIT_ASSERT(client.revoke(huge).error->message.find("token: too long") == 0);
		CPPUNIT_ASSERT_EQUAL(0u, server.connections());
	}

	void testRevokingTheCachedTokenForgetsIt()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult first = client.token();
		CPPUNIT_ASSERT(client.token().fromCache);
		RevokeOptions revoke;
		revoke.token = accessTokenOf(first);
		CPPUNIT_ASSERT(client.revoke(revoke).ok());
		const TokenResult after = client.token();
		CPPUNIT_ASSERT(!after.fromCache);
		CPPUNIT_ASSERT(accessTokenOf(after) != accessTokenOf(first));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requestCount("/oauth2/token"));
	}

	void testRevokingAnotherTokenKeepsTheCache()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult first = client.token();
		RevokeOptions revoke;
		revoke.token = "some-other-token";
		CPPUNIT_ASSERT(client.revoke(revoke).ok());
		const TokenResult after = client.token();
		CPPUNIT_ASSERT(after.fromCache);
		CPPUNIT_ASSERT_EQUAL(accessTokenOf(first), accessTokenOf(after));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requestCount("/oauth2/token"));
	}

	void testApiErrorsAreClassified()
	{
		struct Case
		{
			int status;
			const char* message;
			const char* kind;
			bool retryable;
		};
		const Case cases[] = {
			{400, "Failed to generate access token for clientID=x", "invalid_input", false},
			{401, "access denied, invalid bearer token", "auth_failed", false},
			{403, "access denied, invalid client", "auth_failed", false},
			{403, "access denied, authorization failed", "forbidden", false},
			{404, "Not Found", "protocol", false},
			{500, "Failed to issue token", "server_error", true},
		};
		for (const Case& c : cases)
		{
			ScriptedServer server(
				[&](const RecordedRequest&) { return metaReply(c.status, c.message); }, &loopbackCertificate());
			ClientConfig config = configFor(server);
			config.maxRetries = 0;
			OAuth2Client client(config);
			const TokenResult result = client.token();
			const std::string label = std::to_string(c.status) + ": " + c.message;
			CPPUNIT_ASSERT_EQUAL_MESSAGE(label, c.status, result.statusCode);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(label, std::string(c.kind), std::string(toString(result.error->kind)));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(label, c.retryable, result.error->retryable);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(label, "/oauth2/token answered " + label, result.error->message);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(
				label, std::string("99999999-8888-7777-6666-555555555555"), result.error->traceId);
			CPPUNIT_ASSERT_MESSAGE(label, result.body.find("\"powered_by\": \"csam\"") != std::string::npos);
		}
	}

	void testConnectionRefusedIsSynthetic()
	{
		unsigned short port;
		{
			ScriptedServer server(falconLike(), &loopbackCertificate());
			port = server.port();
		}
		ClientConfig config;
		config.baseUrl = "https://127.0.0.1:" + std::to_string(port);
		config.clientId = TEST_CLIENT_ID;
		config.clientSecret = TEST_CLIENT_SECRET;
		config.caBundle = testPki().caFile();
		OAuth2Client client(config);
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(500, result.statusCode);
		CPPUNIT_ASSERT(result.headers.empty());
		CPPUNIT_ASSERT_EQUAL(std::string("network"), std::string(toString(result.error->kind)));
		CPPUNIT_ASSERT(result.error->retryable);
		CPPUNIT_ASSERT(result.body.find("{\"errors\":[{\"message\":\"cannot talk to") == 0);
	}

	void testPlainHttpOnLoopback()
	{
		ScriptedServer server(falconLike(), nullptr);
		OAuth2Client client(configFor(server));
		CPPUNIT_ASSERT(client.token().ok());
		CPPUNIT_ASSERT_EQUAL(std::string("POST /oauth2/token HTTP/1.1"), server.requests().at(0).raw.substr(0, 27));
	}
};

FALCON_REGISTER_SUITE(ClientWireTest);
