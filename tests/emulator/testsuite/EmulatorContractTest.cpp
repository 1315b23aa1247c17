#include "EmulatorTestKit.h"
#include "SuiteDriver.h"
#include "TestDirectory.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>

#include <cppunit/extensions/HelperMacros.h>

#include <set>
#include <thread>

using namespace Falcon::Emulator;
using namespace Falcon::Testing;

namespace {

Poco::JSON::Object::Ptr json(const std::string& body)
{
	Poco::JSON::Parser parser;
	return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

/// Checks the real cloud's meta-only reply: meta {query_time, trace_id, powered_by}, errors, and
/// no resources key.
void assertMetaOnly(const RawReply& reply, int status, const std::string& message)
{
	const std::string label = std::to_string(status) + " " + message + ": " + reply.body;
	CPPUNIT_ASSERT_EQUAL_MESSAGE(label, status, reply.status);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(label, std::string("application/json"), reply.header("Content-Type"));
	const auto body = json(reply.body);
	const auto meta = body->getObject("meta");
	CPPUNIT_ASSERT_MESSAGE(label, meta && meta->has("query_time") && meta->has("trace_id") && meta->has("powered_by"));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(label, reply.header("X-Cs-Traceid"), meta->getValue<std::string>("trace_id"));
	CPPUNIT_ASSERT_MESSAGE(label, !body->has("resources"));
	const auto errors = body->getArray("errors");
	if (message.empty())
	{
		CPPUNIT_ASSERT_EQUAL_MESSAGE(label, std::size_t(0), errors->size());
		return;
	}
	CPPUNIT_ASSERT_EQUAL_MESSAGE(label, std::size_t(1), errors->size());
	CPPUNIT_ASSERT_EQUAL_MESSAGE(label, status, errors->getObject(0)->getValue<int>("code"));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(label, message, errors->getObject(0)->getValue<std::string>("message"));
}

} // namespace

/// The emulator against the contract, driven by a plain Poco client over real TLS.
class EmulatorContractTest: public EmulatorFixture
{
	CPPUNIT_TEST_SUITE(EmulatorContractTest);
	CPPUNIT_TEST(testTokenIssued);
	CPPUNIT_TEST(testTokensAreRandom);
	CPPUNIT_TEST(testWrongSecret);
	CPPUNIT_TEST(testMemberCid);
	CPPUNIT_TEST(testIpAllowList);
	CPPUNIT_TEST(testWrongCloudRedirects);
	CPPUNIT_TEST(testGovCredentialsOnCommercialCloud);
	CPPUNIT_TEST(testCommercialCredentialsOnGovCloud);
	CPPUNIT_TEST(testRevokeAndProbe);
	CPPUNIT_TEST(testRevokeRefusals);
	CPPUNIT_TEST(testExpiry);
	CPPUNIT_TEST(testRateLimitInSeconds);
	CPPUNIT_TEST(testRateLimitInMilliseconds);
	CPPUNIT_TEST(testBadRequests);
	CPPUNIT_TEST(testRequestLogIsRedacted);
	CPPUNIT_TEST(testDevicesQuery);
	CPPUNIT_TEST(testHostsScrollAndDetails);
	CPPUNIT_TEST(testUnauthenticatedRequestsAreLimited);
	CPPUNIT_TEST_SUITE_END();

	RawClient client(const std::string& cloud = "us-1") { return raw(cloud); }

public:
	/// The probe is the real Hosts query: device IDs a page at a time, a bearer token required.
	void testDevicesQuery()
	{
		RawClient raw = client();
		const std::string token = accessTokenIn(raw.token(US1_CLIENT, US1_SECRET).body);
		const auto bearer = std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + token}};
		const RawReply page = raw.send("GET", "/devices/queries/devices/v1?limit=2&offset=1", "", bearer);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(page.body, 200, page.status);
		const auto body = json(page.body);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), body->getArray("resources")->size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), body->getArray("errors")->size());
		const auto pagination = body->getObject("meta")->getObject("pagination");
		CPPUNIT_ASSERT_EQUAL(1, pagination->getValue<int>("offset"));
		CPPUNIT_ASSERT_EQUAL(2, pagination->getValue<int>("limit"));
		CPPUNIT_ASSERT_EQUAL(5, pagination->getValue<int>("total"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(5),
			json(raw.send("GET", "/devices/queries/devices/v1", "", bearer).body)->getArray("resources")->size());
		assertMetaOnly(raw.send("GET", "/devices/queries/devices/v1?limit=0", "", bearer), 400,
			"limit must be an integer between 1 and 5000");
		assertMetaOnly(raw.send("GET", "/devices/queries/devices/v1?offset=-1", "", bearer), 400,
			"offset must be a non-negative integer");
		CPPUNIT_ASSERT_EQUAL(404, raw.send("GET", "/sensors/queries/sensors/v1", "", bearer).status);
	}

	/// The Hosts routes CrowdStrike's Ansible modules use: the scroll query (an opaque offset
	/// from page to page) and the device details, by IDs in the query (GET) or a JSON body (POST).
	void testHostsScrollAndDetails()
	{
		RawClient raw = client();
		const std::string token = accessTokenIn(raw.token(US1_CLIENT, US1_SECRET).body);
		const auto bearer = std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + token}};
		std::vector<std::string> ids;
		std::string offset;
		for (int page = 0; page < 3; ++page)
		{
			const RawReply reply = raw.send("GET",
				"/devices/queries/devices-scroll/v1?limit=2&filter=platform_name:'Linux'&offset=" + offset, "", bearer);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 200, reply.status);
			const auto body = json(reply.body);
			for (const auto& id : *body->getArray("resources")) ids.push_back(id.toString());
			const auto pagination = body->getObject("meta")->getObject("pagination");
			CPPUNIT_ASSERT_EQUAL(5, pagination->getValue<int>("total"));
			offset = pagination->getValue<std::string>("offset");
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), std::set<std::string>(ids.begin(), ids.end()).size());
		for (const std::string& id : ids)
			CPPUNIT_ASSERT_MESSAGE(
				id, id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0),
			json(raw.send("GET", "/devices/queries/devices-scroll/v1?offset=" + offset, "", bearer).body)
				->getArray("resources")
				->size());
		assertMetaOnly(raw.send("GET", "/devices/queries/devices-scroll/v1?offset=12", "", bearer), 400,
			"offset must be an offset a previous page returned");

		const RawReply details =
			raw.send("GET", "/devices/entities/devices/v2?ids=" + ids[0] + "&ids=" + ids[3], "", bearer);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(details.body, 200, details.status);
		const auto devices = json(details.body)->getArray("resources");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), devices->size());
		CPPUNIT_ASSERT_EQUAL(ids[3], devices->getObject(1)->getValue<std::string>("device_id"));
		CPPUNIT_ASSERT_EQUAL(std::string("emulated-host-4"), devices->getObject(1)->getValue<std::string>("hostname"));
		const RawReply posted = raw.send(
			"POST", "/devices/entities/devices/v2", "{\"ids\": [\"" + ids[1] + "\"]}", bearer, "application/json");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(posted.body, 200, posted.status);
		CPPUNIT_ASSERT_EQUAL(
			ids[1], json(posted.body)->getArray("resources")->getObject(0)->getValue<std::string>("device_id"));
		assertMetaOnly(raw.send("GET", "/devices/entities/devices/v2?ids=unknown", "", bearer), 404,
			"no device found for the ids given");
		assertMetaOnly(raw.send("POST", "/devices/entities/devices/v2", "[1]", bearer, "application/json"), 400,
			"the body must be a JSON object with an \"ids\" array");
		assertMetaOnly(
			raw.send("GET", "/devices/entities/devices/v2?ids=" + ids[0]), 401, "access denied, invalid bearer token");
	}

	/// 15 requests a minute per address without a valid token; then 429 with Retryafter.
	void testUnauthenticatedRequestsAreLimited()
	{
		RawClient raw = client();
		for (int i = 0; i < 15; ++i)
			assertMetaOnly(raw.probe("not-a-token"), 401, "access denied, invalid bearer token");
		const RawReply limited = raw.probe("not-a-token");
		assertMetaOnly(limited, 429, "API rate limit exceeded.");
		CPPUNIT_ASSERT_EQUAL(std::string("15"), limited.header("X-Ratelimit-Limit"));
		CPPUNIT_ASSERT(!limited.header("X-Ratelimit-Retryafter").empty());
		const std::string token = accessTokenIn(raw.token(US1_CLIENT, US1_SECRET).body);
		CPPUNIT_ASSERT_EQUAL_MESSAGE("a valid token is not limited by it", 200, raw.probe(token).status);
	}

	void testTokenIssued()
	{
		const RawReply reply = client().token(US1_CLIENT, US1_SECRET);
		CPPUNIT_ASSERT_EQUAL(201, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("application/json"), reply.header("Content-Type"));
		for (const char* name : {"X-Cs-Region", "X-Cs-Traceid", "X-Ratelimit-Limit", "X-Ratelimit-Remaining"})
		{
			bool exact = false;
			for (const auto& header : reply.headers) exact = exact || header.first == name;
			CPPUNIT_ASSERT_MESSAGE(std::string("header spelled as on the wire: ") + name, exact);
		}
		CPPUNIT_ASSERT_EQUAL(std::string("us-1"), reply.header("X-Cs-Region"));
		CPPUNIT_ASSERT_EQUAL(std::string("300"), reply.header("X-Ratelimit-Limit"));
		CPPUNIT_ASSERT_EQUAL(std::string("299"), reply.header("X-Ratelimit-Remaining"));
		const auto body = json(reply.body);
		CPPUNIT_ASSERT_EQUAL(1799, body->getValue<int>("expires_in"));
		CPPUNIT_ASSERT_EQUAL(std::string("bearer"), body->getValue<std::string>("token_type"));
		CPPUNIT_ASSERT(!body->has("resources"));
		CPPUNIT_ASSERT_EQUAL(1ul, _emulator->log().counters().tokensIssued);
	}

	void testTokensAreRandom()
	{
		RawClient raw = client();
		const std::string first = accessTokenIn(raw.token(US1_CLIENT, US1_SECRET).body);
		const std::string second = accessTokenIn(raw.token(US1_CLIENT, US1_SECRET).body);
		CPPUNIT_ASSERT(first.size() >= 64);
		CPPUNIT_ASSERT(first != second);
		CPPUNIT_ASSERT(first.find(US1_CLIENT) == std::string::npos);
	}

	void testWrongSecret()
	{
		assertMetaOnly(client().token(US1_CLIENT, "wrong"), 403, "access denied, invalid client");
		assertMetaOnly(client().token("nobody", "wrong"), 403, "access denied, invalid client");
	}

	void testMemberCid()
	{
		CPPUNIT_ASSERT_EQUAL(201, client().token(US1_CLIENT, US1_SECRET, CHILD_CID).status);
		assertMetaOnly(client().token(US1_CLIENT, US1_SECRET, "ffffffffffffffffffffffffffffffff"), 400,
			"Failed to generate access token for clientID=" + US1_CLIENT);
	}

	void testIpAllowList()
	{
		assertMetaOnly(client().token(FENCED_CLIENT, FENCED_SECRET), 403, "access denied, authorization failed");
	}

	void testWrongCloudRedirects()
	{
		const RawReply reply = client("us-1").token(US2_CLIENT, US2_SECRET);
		CPPUNIT_ASSERT_EQUAL(308, reply.status);
		CPPUNIT_ASSERT_EQUAL(_emulator->baseUrl("us-2") + "/oauth2/token", reply.header("Location"));
		CPPUNIT_ASSERT_EQUAL(std::string("us-2"), reply.header("X-Cs-Region"));
		CPPUNIT_ASSERT(reply.body.empty());
		const RawReply home = client("us-2").token(US2_CLIENT, US2_SECRET);
		CPPUNIT_ASSERT_EQUAL(201, home.status);
		CPPUNIT_ASSERT_EQUAL(std::string("us-2"), home.header("X-Cs-Region"));
	}

	void testGovCredentialsOnCommercialCloud()
	{
		const RawReply reply = client("us-1").token(GOV_CLIENT, GOV_SECRET);
		CPPUNIT_ASSERT_EQUAL(201, reply.status);
		CPPUNIT_ASSERT(reply.body.empty());
		CPPUNIT_ASSERT(!reply.has("X-Cs-Region"));
		CPPUNIT_ASSERT_EQUAL(201, client("us-gov-1").token(GOV_CLIENT, GOV_SECRET).status);
	}

	void testCommercialCredentialsOnGovCloud()
	{
		assertMetaOnly(client("us-gov-1").token(US1_CLIENT, US1_SECRET), 403, "access denied, invalid client");
	}

	void testRevokeAndProbe()
	{
		RawClient raw = client();
		const std::string token = accessTokenIn(raw.token(US1_CLIENT, US1_SECRET).body);
		assertMetaOnly(raw.probe("not-a-token"), 401, "access denied, invalid bearer token");
		const RawReply before = raw.probe(token);
		CPPUNIT_ASSERT_EQUAL(200, before.status);
		CPPUNIT_ASSERT(json(before.body)->has("resources"));
		const RawReply revoked = raw.revoke(token, US1_CLIENT, US1_SECRET);
		assertMetaOnly(revoked, 200, "");
		CPPUNIT_ASSERT(!revoked.has("X-Cs-Region"));
		assertMetaOnly(raw.probe(token), 401, "access denied, invalid bearer token");
		// A token is only good in the cloud that issued it.
		const std::string us2Token = accessTokenIn(client("us-2").token(US2_CLIENT, US2_SECRET).body);
		CPPUNIT_ASSERT_EQUAL(401, raw.probe(us2Token).status);
		CPPUNIT_ASSERT_EQUAL(1ul, _emulator->log().counters().revocations);
	}

	void testRevokeRefusals()
	{
		RawClient raw = client();
		assertMetaOnly(raw.revoke("t", US1_CLIENT, "wrong"), 403, "access denied, invalid client");
		assertMetaOnly(raw.send("POST", "/oauth2/revoke", "token=t"), 403, "access denied, invalid client");
		assertMetaOnly(raw.revoke("", US1_CLIENT, US1_SECRET), 400, "token is required");
		// The scheme is case-insensitive, as on the real cloud.
		assertMetaOnly(raw.send("POST", "/oauth2/revoke", "token=t",
						   {{"Authorization", "Basic " + basicCredentials(US1_CLIENT, US1_SECRET)}}),
			200, "");
	}

	void testExpiry()
	{
		EmulatorOptions options = emulatorOptions();
		options.expiresIn = std::chrono::seconds(1);
		restart(options);
		RawClient raw = client();
		const RawReply issued = raw.token(US1_CLIENT, US1_SECRET);
		CPPUNIT_ASSERT_EQUAL(1, json(issued.body)->getValue<int>("expires_in"));
		const std::string token = accessTokenIn(issued.body);
		CPPUNIT_ASSERT_EQUAL(200, raw.probe(token).status);
		std::this_thread::sleep_for(std::chrono::milliseconds(1100));
		assertMetaOnly(raw.probe(token), 401, "access denied, invalid bearer token");
	}

	void testRateLimitInSeconds()
	{
		EmulatorOptions options = emulatorOptions();
		options.rateLimit = 3;
		restart(options);
		RawClient raw = client();
		for (int i = 2; i >= 0; --i)
			CPPUNIT_ASSERT_EQUAL(std::to_string(i), raw.token(US1_CLIENT, US1_SECRET).header("X-Ratelimit-Remaining"));
		const RawReply limited = raw.token(US1_CLIENT, US1_SECRET);
		assertMetaOnly(limited, 429, "API rate limit exceeded.");
		const std::string retryAfter = limited.header("X-Ratelimit-Retryafter");
		CPPUNIT_ASSERT_EQUAL(std::size_t(10), retryAfter.size());
		const auto now =
			std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
				.count();
		const long long at = std::stoll(retryAfter);
		CPPUNIT_ASSERT(at > now && at <= now + 61);
		CPPUNIT_ASSERT_EQUAL(std::string("0"), limited.header("X-Ratelimit-Remaining"));
		CPPUNIT_ASSERT_EQUAL(1ul, _emulator->log().counters().rateLimited);
	}

	void testRateLimitInMilliseconds()
	{
		EmulatorOptions options = emulatorOptions();
		options.rateLimit = 1;
		options.retryAfterMilliseconds = true;
		restart(options);
		RawClient raw = client();
		raw.token(US1_CLIENT, US1_SECRET);
		const RawReply limited = raw.token(US1_CLIENT, US1_SECRET);
		CPPUNIT_ASSERT_EQUAL(429, limited.status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(13), limited.header("X-Ratelimit-Retryafter").size());
	}

	void testBadRequests()
	{
		RawClient raw = client();
		assertMetaOnly(raw.send("POST", "/oauth2/token", "client_id=%zz&client_secret=x"), 400, "malformed form body");
		assertMetaOnly(
			raw.send("POST", "/oauth2/token", "client_id=only"), 400, "client_id and client_secret are required");
		assertMetaOnly(raw.send("POST", "/oauth2/token", "{\"client_id\":\"x\"}", {}, "application/json"), 400,
			"the request body must be application/x-www-form-urlencoded");
		assertMetaOnly(raw.send("GET", "/oauth2/token"), 405, "Method Not Allowed");
		assertMetaOnly(raw.send("DELETE", "/oauth2/revoke"), 405, "Method Not Allowed");
		assertMetaOnly(raw.send("POST", "/devices/queries/devices/v1"), 405, "Method Not Allowed");
		assertMetaOnly(raw.send("GET", "/no/such/route"), 404, "Not Found");
		RawClient fresh = client();
		assertMetaOnly(
			fresh.send("POST", "/oauth2/token", std::string(100 * 1024, 'a')), 400, "request body too large");
		// Still serving after all of that.
		CPPUNIT_ASSERT_EQUAL(201, client().token(US1_CLIENT, US1_SECRET).status);
	}

	void testRequestLogIsRedacted()
	{
		RawClient raw = client();
		const std::string token = accessTokenIn(raw.token(US1_CLIENT, US1_SECRET).body);
		raw.revoke(token, US1_CLIENT, US1_SECRET);
		raw.probe(token);
		const auto entries = _emulator->log().entries();
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), entries.size());
		CPPUNIT_ASSERT_EQUAL(std::string("/oauth2/token"), entries[0].path);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), entries[0].source);
		CPPUNIT_ASSERT_EQUAL(201, entries[0].status);
		std::ostringstream everything;
		_emulator->log().toJSON()->stringify(everything);
		const std::string text = everything.str();
		CPPUNIT_ASSERT(text.find("\"client_id\":\"" + US1_CLIENT + "\"") != std::string::npos);
		CPPUNIT_ASSERT(text.find("\"client_secret\":\"***\"") != std::string::npos);
		CPPUNIT_ASSERT(text.find("\"Authorization\":\"basic ***\"") != std::string::npos);
		CPPUNIT_ASSERT(text.find("\"Authorization\":\"Bearer ***\"") != std::string::npos);
		for (const std::string& secret : {US1_SECRET, token, basicCredentials(US1_CLIENT, US1_SECRET)})
			CPPUNIT_ASSERT_MESSAGE("a secret is in the request log", text.find(secret) == std::string::npos);
		const RawReply stats = raw.send("GET", "/emulator/stats");
		CPPUNIT_ASSERT_EQUAL(std::string("{\"token_requests\":1,\"tokens_issued\":1,\"revoke_requests\":1,"
										 "\"revocations\":1,\"rate_limited\":0,\"probes\":1,\"faults\":0}"),
			stats.body);
	}
};

FALCON_REGISTER_SUITE(EmulatorContractTest);
