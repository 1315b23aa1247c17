#include "EmulatorTestKit.h"
#include "SuiteDriver.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::Emulator;
using namespace Falcon::Testing;
using namespace std::chrono;

/// Every injectable fault, seen from a plain client, and the "next N requests" form.
class EmulatorFaultTest: public EmulatorFixture
{
	CPPUNIT_TEST_SUITE(EmulatorFaultTest);
	CPPUNIT_TEST(testStatusFaultsForNextRequests);
	CPPUNIT_TEST(testRateLimitFaultCarriesRetryAfter);
	CPPUNIT_TEST(testRedirects);
	CPPUNIT_TEST(testFaultsArePerRoute);
	CPPUNIT_TEST(testDelayBeforeHeaders);
	CPPUNIT_TEST(testDelayMidBody);
	CPPUNIT_TEST(testConnectionReset);
	CPPUNIT_TEST(testTruncatedBody);
	CPPUNIT_TEST(testMalformedJson);
	CPPUNIT_TEST(testEmpty200);
	CPPUNIT_TEST(testOversizedBody);
	CPPUNIT_TEST(testWrongContentType);
	CPPUNIT_TEST(testScriptedOverHttp);
	CPPUNIT_TEST(testBadSpecs);
	CPPUNIT_TEST_SUITE_END();

	RawClient client(milliseconds timeout = milliseconds(5000)) { return raw("us-1", timeout); }

	RawReply tokenWithFault(const std::string& spec)
	{
		_emulator->faults().add(spec);
		return client().token(US1_CLIENT, US1_SECRET);
	}

public:
	void testStatusFaultsForNextRequests()
	{
		_emulator->faults().add("token=503x2");
		RawClient raw = client();
		CPPUNIT_ASSERT_EQUAL(503, raw.token(US1_CLIENT, US1_SECRET).status);
		CPPUNIT_ASSERT_EQUAL(503, raw.token(US1_CLIENT, US1_SECRET).status);
		CPPUNIT_ASSERT_EQUAL(201, raw.token(US1_CLIENT, US1_SECRET).status);
		for (int status : {500, 502})
		{
			_emulator->faults().add("token=" + std::to_string(status) + "x1");
			CPPUNIT_ASSERT_EQUAL(status, raw.token(US1_CLIENT, US1_SECRET).status);
		}
		CPPUNIT_ASSERT_EQUAL(4ul, _emulator->log().counters().faults);
		CPPUNIT_ASSERT_EQUAL(std::string("503"), _emulator->log().entries().at(0).fault);
	}

	void testRateLimitFaultCarriesRetryAfter()
	{
		const RawReply reply = tokenWithFault("token=429x1");
		CPPUNIT_ASSERT_EQUAL(429, reply.status);
		CPPUNIT_ASSERT(!reply.header("X-Ratelimit-Retryafter").empty());
		// Either spelling on demand: epoch seconds (10 digits) or epoch milliseconds (13).
		CPPUNIT_ASSERT_EQUAL(std::size_t(10), tokenWithFault("token=429:sx1").header("X-Ratelimit-Retryafter").size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(13), tokenWithFault("token=429:msx1").header("X-Ratelimit-Retryafter").size());
		CPPUNIT_ASSERT_EQUAL(std::string("429:ms"), _emulator->log().entries().back().fault);
	}

	void testRedirects()
	{
		const RawReply foreign = tokenWithFault("token=redirect-foreignx1");
		CPPUNIT_ASSERT_EQUAL(308, foreign.status);
		CPPUNIT_ASSERT_EQUAL(std::string("https://falcon-api.example.net/oauth2/token"), foreign.header("Location"));
		const RawReply loop = tokenWithFault("token=redirect-loopx1");
		CPPUNIT_ASSERT_EQUAL(308, loop.status);
		CPPUNIT_ASSERT_EQUAL(_emulator->baseUrl("us-1") + "/oauth2/token", loop.header("Location"));
	}

	void testFaultsArePerRoute()
	{
		_emulator->faults().add("revoke=500");
		RawClient raw = client();
		const std::string token = accessTokenIn(raw.token(US1_CLIENT, US1_SECRET).body);
		CPPUNIT_ASSERT_EQUAL(500, raw.revoke(token, US1_CLIENT, US1_SECRET).status);
		CPPUNIT_ASSERT_EQUAL(500, raw.revoke(token, US1_CLIENT, US1_SECRET).status); // every request until cleared
		_emulator->faults().clear();
		CPPUNIT_ASSERT_EQUAL(200, raw.revoke(token, US1_CLIENT, US1_SECRET).status);
		_emulator->faults().add("*=502x1");
		CPPUNIT_ASSERT_EQUAL(502, raw.probe(token).status);
	}

	void testDelayBeforeHeaders()
	{
		_emulator->faults().add("token=delay-headers:1500x1");
		RawClient impatient = client(milliseconds(300));
		const RawReply reply = impatient.token(US1_CLIENT, US1_SECRET);
		CPPUNIT_ASSERT_EQUAL(0, reply.status);
		CPPUNIT_ASSERT(!reply.error.empty());
		RawClient patient = client();
		_emulator->faults().add("token=delay-headers:300x1");
		const auto started = steady_clock::now();
		CPPUNIT_ASSERT_EQUAL(201, patient.token(US1_CLIENT, US1_SECRET).status);
		CPPUNIT_ASSERT(steady_clock::now() - started >= milliseconds(300));
	}

	void testDelayMidBody()
	{
		_emulator->faults().add("token=delay-body:300x1");
		const auto started = steady_clock::now();
		const RawReply reply = client().token(US1_CLIENT, US1_SECRET);
		CPPUNIT_ASSERT_EQUAL(201, reply.status);
		CPPUNIT_ASSERT(!accessTokenIn(reply.body).empty());
		CPPUNIT_ASSERT(steady_clock::now() - started >= milliseconds(300));
	}

	void testConnectionReset()
	{
		const RawReply reply = tokenWithFault("token=resetx1");
		CPPUNIT_ASSERT_EQUAL(0, reply.status);
		CPPUNIT_ASSERT(!reply.error.empty());
		CPPUNIT_ASSERT_EQUAL(201, client().token(US1_CLIENT, US1_SECRET).status);
	}

	void testTruncatedBody()
	{
		const RawReply reply = tokenWithFault("token=truncatex1");
		CPPUNIT_ASSERT(reply.error == "truncated" || reply.status == 0);
		CPPUNIT_ASSERT(accessTokenIn(reply.body).empty());
	}

	void testMalformedJson()
	{
		const RawReply reply = tokenWithFault("token=malformed-jsonx1");
		CPPUNIT_ASSERT_EQUAL(201, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"access_token\": \"unterminated"), reply.body);
	}

	void testEmpty200()
	{
		const RawReply reply = tokenWithFault("token=empty-200x1");
		CPPUNIT_ASSERT_EQUAL(200, reply.status);
		CPPUNIT_ASSERT(reply.body.empty());
	}

	void testOversizedBody()
	{
		const RawReply reply = tokenWithFault("token=oversizedx1");
		CPPUNIT_ASSERT_EQUAL(201, reply.status);
		CPPUNIT_ASSERT(reply.body.size() > 2 * 1024 * 1024);
	}

	void testWrongContentType()
	{
		const RawReply reply = tokenWithFault("token=wrong-content-typex1");
		CPPUNIT_ASSERT_EQUAL(std::string("text/html; charset=utf-8"), reply.header("Content-Type"));
		CPPUNIT_ASSERT(reply.body.find("<html>") == 0);
	}

	void testScriptedOverHttp()
	{
		RawClient raw = client();
		const RawReply added =
			raw.send("POST", "/emulator/faults", "{\"faults\": [\"token=503x1\"]}", {}, "application/json");
		CPPUNIT_ASSERT_EQUAL(200, added.status);
		CPPUNIT_ASSERT_EQUAL(503, raw.token(US1_CLIENT, US1_SECRET).status);
		CPPUNIT_ASSERT_EQUAL(201, raw.token(US1_CLIENT, US1_SECRET).status);
		const RawReply refused =
			raw.send("POST", "/emulator/faults", "{\"faults\": [\"token=418\"]}", {}, "application/json");
		CPPUNIT_ASSERT_EQUAL(400, refused.status);
		CPPUNIT_ASSERT(refused.body.find("status 418 is not one of 400, 429, 500, 502, 503") != std::string::npos);
		raw.send("POST", "/emulator/faults", "{\"faults\": [\"token=500\"]}", {}, "application/json");
		CPPUNIT_ASSERT_EQUAL(200, raw.send("DELETE", "/emulator/faults").status);
		CPPUNIT_ASSERT_EQUAL(201, raw.token(US1_CLIENT, US1_SECRET).status);
	}

	void testBadSpecs()
	{
		FaultPlan plan;
		for (const char* spec :
			{"token", "token=", "nowhere=503", "token=418", "token=delay-headers", "token=delay-headers:soon",
				"token=reset:5", "token=explode", "token=503x0", "token=503:s", "token=429:h", "token=redirect-loop:1"})
		{
			CPPUNIT_ASSERT_THROW_MESSAGE(spec, plan.add(spec), Poco::SyntaxException);
		}
		CPPUNIT_ASSERT(!plan.next("token"));
	}
};

FALCON_REGISTER_SUITE(EmulatorFaultTest);
