#include "ClientTestKit.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/OAuth2Client.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;

/// 308 handling and region autodiscovery. Two loopback servers stand in for two clouds: us-1 on
/// 127.0.0.1 and us-2 on 127.0.0.2, described by a region table made for the test.
class RedirectTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RedirectTest);
	CPPUNIT_TEST(testSameHostRedirectIsFollowed);
	CPPUNIT_TEST(testRedirectToAFalconHostIsFollowedWithBasic);
	CPPUNIT_TEST(testForeignHostIsRefused);
	CPPUNIT_TEST(testDowngradeIsRefused);
	CPPUNIT_TEST(testLeavingTheRouteIsRefused);
	CPPUNIT_TEST(testHopLimit);
	CPPUNIT_TEST(testMissingLocation);
	CPPUNIT_TEST(testAutodiscoverySwitchesCanonicalUrl);
	CPPUNIT_TEST(testAutodiscoveryIsCaseInsensitive);
	CPPUNIT_TEST(testCustomUrlIsNeverOverwritten);
	CPPUNIT_TEST(testGovCloudIsNotDiscovered);
	CPPUNIT_TEST(testEmptyTokenReplyIsRegionError);
	CPPUNIT_TEST(testNonJsonTokenReplyIsABadResponse);
	CPPUNIT_TEST_SUITE_END();

public:
	void testSameHostRedirectIsFollowed()
	{
		ScriptedServer target(falconLike("us-2"), &loopbackCertificate());
		ScriptedServer first([&](const RecordedRequest&) { return redirectTo(target.baseUrl() + "/oauth2/token"); },
			&loopbackCertificate());
		OAuth2Client client(configFor(first));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT(result.ok());
		CPPUNIT_ASSERT_EQUAL(201, result.statusCode);
		CPPUNIT_ASSERT_EQUAL(first.requests().at(0).body, target.requests().at(0).body);
		// A custom base URL stays what the user set, even though the token came from elsewhere.
		CPPUNIT_ASSERT_EQUAL(first.baseUrl(), client.baseUrl());
	}

	void testRedirectToAFalconHostIsFollowedWithBasic()
	{
		TwoClouds clouds;
		OAuth2Client client(clouds.config());
		RevokeOptions revoke;
		revoke.token = "token-to-revoke";
		CPPUNIT_ASSERT(client.revoke(revoke).ok());
		CPPUNIT_ASSERT_EQUAL(
			clouds.us1.requests().at(0).header("Authorization"), clouds.us2.requests().at(0).header("Authorization"));
		CPPUNIT_ASSERT(clouds.us2.requests().at(0).header("Authorization").find("basic ") == 0);
	}

	void testForeignHostIsRefused()
	{
		ScriptedServer us2(falconLike("us-2"), &loopbackCertificate(), "127.0.0.2");
		ScriptedServer us1([&](const RecordedRequest& request) { return redirectTo(us2.baseUrl() + request.target); },
			&loopbackCertificate());
		OAuth2Client client(configFor(us1)); // the real table: 127.0.0.2 is nobody's cloud
		RevokeOptions revoke;
		revoke.token = "token-to-revoke";
		const ApiResult result = client.revoke(revoke);
		CPPUNIT_ASSERT_EQUAL(308, result.statusCode);
		CPPUNIT_ASSERT_EQUAL(std::string("protocol"), std::string(toString(result.error->kind)));
		CPPUNIT_ASSERT(
			result.error->message.find("127.0.0.2 is neither a CrowdStrike host nor the host the request went to")
			!= std::string::npos);
		CPPUNIT_ASSERT_EQUAL(0u, us2.connections());
	}

	void testDowngradeIsRefused()
	{
		ScriptedServer plain(falconLike(), nullptr);
		ScriptedServer secure([&](const RecordedRequest&) { return redirectTo(plain.baseUrl() + "/oauth2/token"); },
			&loopbackCertificate());
		OAuth2Client client(configFor(secure));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT(!result.ok());
		CPPUNIT_ASSERT(result.error->message.find("downgrade https to http") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(0u, plain.connections());
	}

	void testLeavingTheRouteIsRefused()
	{
		ScriptedServer server(
			[&](const RecordedRequest& request) {
				return request.target == "/oauth2/token" ? redirectTo("/somewhere/else") : tokenReply("t");
			},
			&loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT(!result.ok());
		CPPUNIT_ASSERT(result.error->message.find("leads away from /oauth2/token") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
	}

	void testHopLimit()
	{
		ScriptedServer server(
			[&](const RecordedRequest&) { return redirectTo("/oauth2/token"); }, &loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(308, result.statusCode);
		CPPUNIT_ASSERT(result.error->message.find("more than 3 redirects") == 0);
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), server.requests().size()); // the request and 3 hops
	}

	void testMissingLocation()
	{
		ScriptedServer server(
			[&](const RecordedRequest&) {
				ScriptedReply r;
				r.status = 308;
				return r;
			},
			&loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT(result.error->message.find("no Location header") != std::string::npos);
	}

	void testAutodiscoverySwitchesCanonicalUrl()
	{
		TwoClouds clouds;
		OAuth2Client client(clouds.config());
		const TokenResult first = client.token();
		CPPUNIT_ASSERT(first.ok());
		CPPUNIT_ASSERT_EQUAL(clouds.us2.baseUrl(), client.baseUrl());
		CPPUNIT_ASSERT(client.token(TokenOptions::forced()).ok());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), clouds.us1.requests().size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), clouds.us2.requests().size());
	}

	void testAutodiscoveryIsCaseInsensitive()
	{
		ScriptedServer us1(falconLike("US-2"), &loopbackCertificate());
		const RegionTable table({{"us-1", {}, us1.baseUrl(), true}, {"us-2", {"us2"}, "https://127.0.0.2:1", true}});
		ClientConfig config = configFor(us1);
		config.baseUrl.clear();
		config.cloud = "US1";
		config.regions = &table;
		OAuth2Client client(config);
		CPPUNIT_ASSERT(client.token().ok());
		CPPUNIT_ASSERT_EQUAL(std::string("https://127.0.0.2:1"), client.baseUrl());
	}

	void testCustomUrlIsNeverOverwritten()
	{
		ScriptedServer gateway(falconLike("us-2"), &loopbackCertificate());
		OAuth2Client client(configFor(gateway));
		CPPUNIT_ASSERT(client.token().ok());
		CPPUNIT_ASSERT_EQUAL(gateway.baseUrl(), client.baseUrl());
	}

	void testGovCloudIsNotDiscovered()
	{
		ScriptedServer us1(falconLike("us-gov-1"), &loopbackCertificate());
		const RegionTable table({{"us-1", {}, us1.baseUrl(), true}, {"us-gov-1", {}, "https://127.0.0.2:1", false}});
		ClientConfig config = configFor(us1);
		config.baseUrl.clear();
		config.regions = &table;
		OAuth2Client client(config);
		CPPUNIT_ASSERT(client.token().ok());
		CPPUNIT_ASSERT_EQUAL(us1.baseUrl(), client.baseUrl());
	}

	void testEmptyTokenReplyIsRegionError()
	{
		ScriptedServer server(
			[](const RecordedRequest&) {
				ScriptedReply r;
				r.status = 201;
				return r;
			},
			&loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(403, result.statusCode);
		CPPUNIT_ASSERT_EQUAL(std::string("region_mismatch"), std::string(toString(result.error->kind)));
		CPPUNIT_ASSERT(result.body.find("Region autodiscovery failure") != std::string::npos);
	}

	/// A captive portal's page or garbled JSON is reported as what it is, with the real status
	/// and headers: only an empty 2xx is the API's answer to credentials of another cloud.
	void testNonJsonTokenReplyIsABadResponse()
	{
		ScriptedServer server(
			[](const RecordedRequest&) {
				ScriptedReply reply;
				reply.headers = {{"Content-Type", "text/html; charset=utf-8"}};
				reply.body = "<html>please log in</html>";
				return reply;
			},
			&loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult token = client.token();
		CPPUNIT_ASSERT_EQUAL(std::string("bad_response"), std::string(toString(token.error->kind)));
		CPPUNIT_ASSERT_EQUAL(200, token.statusCode);
		CPPUNIT_ASSERT(!token.error->retryable);
		CPPUNIT_ASSERT_MESSAGE(token.error->message, token.error->message.find("text/html body") != std::string::npos);
		RevokeOptions revoke;
		revoke.token = "some-token";
		const ApiResult revoked = client.revoke(revoke);
		CPPUNIT_ASSERT_EQUAL(std::string("bad_response"), std::string(toString(revoked.error->kind)));
	}
};

FALCON_REGISTER_SUITE(RedirectTest);
