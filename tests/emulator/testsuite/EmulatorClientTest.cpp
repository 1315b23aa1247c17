#include "EmulatorTestKit.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/OAuth2Client.h"

#include <cppunit/extensions/HelperMacros.h>

#include <thread>

using namespace Falcon::Emulator;
using namespace Falcon::OAuth2;
using namespace Falcon::Testing;
using namespace std::chrono;

/// The plugin's OAuth2 client against the emulator, end to end over TLS.
class EmulatorClientTest: public EmulatorFixture
{
	CPPUNIT_TEST_SUITE(EmulatorClientTest);
	CPPUNIT_TEST(testTokenRevokeAndProbe);
	CPPUNIT_TEST(testCachedTokenIsOneRequest);
	CPPUNIT_TEST(testExpiredTokenIsRefreshed);
	CPPUNIT_TEST(testRedirectAndAutodiscovery);
	CPPUNIT_TEST(testGovCredentialsOnCommercialCloud);
	CPPUNIT_TEST(testRateLimit);
	CPPUNIT_TEST(testRetryRecoversFromTransientFaults);
	CPPUNIT_TEST(testEachFault);
	CPPUNIT_TEST_SUITE_END();

	ClientConfig config(const std::string& clientId = US1_CLIENT, const std::string& secret = US1_SECRET)
	{
		ClientConfig config;
		config.baseUrl = _emulator->baseUrl("us-1");
		config.clientId = clientId;
		config.clientSecret = secret;
		config.caBundle = _emulator->caFile();
		config.proxyFromEnvironment = false;
		config.callTimeout = milliseconds(3000);
		config.readTimeout = milliseconds(500);
		config.retryBaseDelay = milliseconds(10);
		config.retryMaxDelay = milliseconds(50);
		return config;
	}

	static std::string kindOf(const ApiResult& result) { return result.error ? toString(result.error->kind) : "ok"; }

public:
	void testTokenRevokeAndProbe()
	{
		OAuth2Client client(config());
		const TokenResult token = client.token();
		CPPUNIT_ASSERT_EQUAL(201, token.statusCode);
		const std::string accessToken = accessTokenIn(token.body);
		CPPUNIT_ASSERT_EQUAL(200, raw().probe(accessToken).status);
		RevokeOptions revoke;
		revoke.token = accessToken;
		const ApiResult revoked = client.revoke(revoke);
		CPPUNIT_ASSERT_EQUAL(200, revoked.statusCode);
		CPPUNIT_ASSERT(revoked.ok());
		CPPUNIT_ASSERT_EQUAL(401, raw().probe(accessToken).status);
		CPPUNIT_ASSERT(!client.token().fromCache); // the revoked token was forgotten
		CPPUNIT_ASSERT_EQUAL(1u, client.connectionsOpened());
	}

	void testCachedTokenIsOneRequest()
	{
		OAuth2Client client(config());
		for (int i = 0; i < 50; ++i) CPPUNIT_ASSERT(client.token().ok());
		CPPUNIT_ASSERT_EQUAL(1ul, _emulator->log().counters().tokenRequests);
	}

	void testExpiredTokenIsRefreshed()
	{
		EmulatorOptions options = emulatorOptions();
		options.expiresIn = seconds(121); // stale one second after issue with the 120 s window
		restart(options);
		OAuth2Client client(config());
		client.token();
		CPPUNIT_ASSERT(client.token().fromCache);
		std::this_thread::sleep_for(milliseconds(1050));
		CPPUNIT_ASSERT(!client.token().fromCache);
		CPPUNIT_ASSERT_EQUAL(2ul, _emulator->log().counters().tokensIssued);
	}

	void testRedirectAndAutodiscovery()
	{
		const RegionTable table = _emulator->regionTable();
		ClientConfig cfg = config(US2_CLIENT, US2_SECRET);
		cfg.baseUrl.clear();
		cfg.cloud = "us-1";
		cfg.regions = &table;
		OAuth2Client client(cfg);
		const TokenResult token = client.token();
		CPPUNIT_ASSERT_MESSAGE(token.error ? token.error->message : "", token.ok());
		CPPUNIT_ASSERT_EQUAL(std::string("us-2"), token.header("X-Cs-Region"));
		CPPUNIT_ASSERT_EQUAL(_emulator->baseUrl("us-2"), client.baseUrl());
		CPPUNIT_ASSERT_EQUAL(200, raw("us-2").probe(accessTokenIn(token.body)).status);

		// With a custom base URL the redirect is followed, but the URL is kept.
		OAuth2Client custom(config(US2_CLIENT, US2_SECRET));
		CPPUNIT_ASSERT(custom.token().ok());
		CPPUNIT_ASSERT_EQUAL(_emulator->baseUrl("us-1"), custom.baseUrl());
	}

	void testGovCredentialsOnCommercialCloud()
	{
		OAuth2Client client(config(GOV_CLIENT, GOV_SECRET));
		const TokenResult token = client.token();
		CPPUNIT_ASSERT_EQUAL(403, token.statusCode);
		CPPUNIT_ASSERT_EQUAL(std::string("region_mismatch"), kindOf(token));
	}

	void testRateLimit()
	{
		_emulator->setRateLimit(2);
		ClientConfig cfg = config();
		OAuth2Client client(cfg);
		CPPUNIT_ASSERT(client.token(TokenOptions::forced()).ok());
		CPPUNIT_ASSERT(client.token(TokenOptions::forced()).ok());
		const auto started = steady_clock::now();
		const TokenResult limited = client.token(TokenOptions::forced());
		CPPUNIT_ASSERT(steady_clock::now() - started < cfg.callTimeout + seconds(1));
		CPPUNIT_ASSERT_EQUAL(429, limited.statusCode);
		CPPUNIT_ASSERT_EQUAL(std::string("rate_limited"), kindOf(limited));
		CPPUNIT_ASSERT(*limited.error->retryAfterSeconds > 30);
		// The retry-after lies beyond the deadline: the client did not hammer the route.
		CPPUNIT_ASSERT_EQUAL(1ul, _emulator->log().counters().rateLimited);
	}

	void testRetryRecoversFromTransientFaults()
	{
		_emulator->faults().add("token=503x2");
		OAuth2Client client(config());
		CPPUNIT_ASSERT(client.token().ok());
		CPPUNIT_ASSERT_EQUAL(3ul, _emulator->log().counters().tokenRequests);
		_emulator->faults().add("token=429x1");
		CPPUNIT_ASSERT(client.token(TokenOptions::forced()).ok());
	}

	void testEachFault()
	{
		struct Case
		{
			const char* fault;
			const char* kind;
			bool retryable;
		};
		const Case cases[] = {
			{"429", "rate_limited", true},
			{"500", "server_error", true},
			{"502", "server_error", true},
			{"503", "server_error", true},
			{"delay-headers:1500", "timeout", true},
			{"delay-body:1500", "timeout", true},
			{"reset", "network", true},
			{"truncate", "protocol", false},
			{"malformed-json", "bad_response", false},
			{"empty-200", "region_mismatch", false},
			{"oversized", "protocol", false},
			{"wrong-content-type", "bad_response", false},
		};
		for (const Case& c : cases)
		{
			for (const std::string route : {"token", "revoke"})
			{
				ClientConfig cfg = config();
				cfg.maxRetries = 0;
				cfg.loginBackoffInitial = milliseconds(1);
				OAuth2Client client(cfg);
				_emulator->faults().clear();
				_emulator->faults().add(route + "=" + c.fault + "x1");
				ApiResult result;
				RevokeOptions revoke;
				revoke.token = "some-token";
				result = route == "token" ? client.token() : client.revoke(revoke);
				const std::string label =
					route + " " + c.fault + ": " + (result.error ? result.error->message : "no error");
				// Revoke has no token in its reply to miss: an empty 2xx is a success there.
				const bool revokeSucceeds = route == "revoke" && (std::string(c.kind) == "region_mismatch");
				CPPUNIT_ASSERT_EQUAL_MESSAGE(label, std::string(revokeSucceeds ? "ok" : c.kind), kindOf(result));
				if (!revokeSucceeds) CPPUNIT_ASSERT_EQUAL_MESSAGE(label, c.retryable, result.error->retryable);
				// The session works for the next good call (once a 429's retry-after has passed).
				const double wait =
					result.error && result.error->retryAfterSeconds ? *result.error->retryAfterSeconds : 0.002;
				std::this_thread::sleep_for(duration<double>(std::min(wait, 2.0)));
				const ApiResult next = route == "token" ? client.token(TokenOptions::forced()) : client.revoke(revoke);
				CPPUNIT_ASSERT_MESSAGE(label + " / next: " + (next.error ? next.error->message : ""), next.ok());
			}
		}
	}
};

FALCON_REGISTER_SUITE(EmulatorClientTest);
