#include "ClientTestKit.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/http/IssuedToken.h"
#include "falcon/oauth2/OAuth2Client.h"

#include <cppunit/extensions/HelperMacros.h>

#include <set>
#include <thread>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;
using namespace std::chrono;

/// Token state shared between threads, observed from the server's side.
class ConcurrencyTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ConcurrencyTest);
	CPPUNIT_TEST(testSingleFlightWith32Threads);
	CPPUNIT_TEST(testStaleTokenIsRefreshedOnce);
	CPPUNIT_TEST(testFailedLoginBacksOff);
	CPPUNIT_TEST(testConcurrentForcedMintsShareTheConnection);
	CPPUNIT_TEST_SUITE_END();

	static std::set<std::string> tokensFrom(const std::vector<TokenResult>& results)
	{
		std::set<std::string> tokens;
		for (const auto& result : results)
		{
			CPPUNIT_ASSERT_MESSAGE(result.error ? result.error->message : "", result.ok());
			tokens.insert(IssuedToken::fromBody(result.body)->accessToken);
		}
		return tokens;
	}

	static std::vector<TokenResult> inThreads(int count, const std::function<TokenResult()>& call)
	{
		std::vector<TokenResult> results(static_cast<std::size_t>(count));
		std::vector<std::thread> threads;
		for (int i = 0; i < count; ++i) threads.emplace_back([&, i] { results[static_cast<std::size_t>(i)] = call(); });
		for (auto& thread : threads) thread.join();
		return results;
	}

public:
	void testSingleFlightWith32Threads()
	{
		ScriptedServer server(
			[](const RecordedRequest&) {
				ScriptedReply reply = tokenReply(nextTestToken());
				reply.delay = milliseconds(300);
				return reply;
			},
			&loopbackCertificate());
		OAuth2Client client(configFor(server));
		const auto results = inThreads(32, [&] { return client.token(); });
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requestCount("/oauth2/token"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tokensFrom(results).size());
	}

	void testStaleTokenIsRefreshedOnce()
	{
		// expires_in 121 with the minimum window of 120 s: stale one second after issue.
		ScriptedServer server(
			[](const RecordedRequest&) { return tokenReply(nextTestToken(), "us-1", 121); }, &loopbackCertificate());
		OAuth2Client client(configFor(server));
		const std::string first = IssuedToken::fromBody(client.token().body)->accessToken;
		CPPUNIT_ASSERT(client.token().fromCache);
		std::this_thread::sleep_for(milliseconds(1100));
		const auto results = inThreads(32, [&] { return client.token(); });
		const auto tokens = tokensFrom(results);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requestCount("/oauth2/token"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tokens.size());
		CPPUNIT_ASSERT(*tokens.begin() != first);
	}

	void testFailedLoginBacksOff()
	{
		ScriptedServer server([](const RecordedRequest&) { return metaReply(403, "access denied, invalid client"); },
			&loopbackCertificate());
		OAuth2Client client(configFor(server)); // first quiet period: 300 ms
		CPPUNIT_ASSERT_EQUAL(std::string("auth_failed"), std::string(toString(client.token().error->kind)));
		const auto results = inThreads(16, [&] { return client.token(); });
		for (const auto& result : results)
		{
			CPPUNIT_ASSERT_EQUAL(403, result.statusCode);
			CPPUNIT_ASSERT(result.fromCache);
			CPPUNIT_ASSERT(result.error->retryAfterSeconds && *result.error->retryAfterSeconds > 0);
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
		std::this_thread::sleep_for(milliseconds(350));
		client.token();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requests().size());
	}

	void testConcurrentForcedMintsShareTheConnection()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client client(configFor(server));
		const auto results = inThreads(8, [&] { return client.token(TokenOptions::forced()); });
		CPPUNIT_ASSERT_EQUAL(std::size_t(8), tokensFrom(results).size());
		CPPUNIT_ASSERT_EQUAL(1u, server.connections());
	}
};

FALCON_REGISTER_SUITE(ConcurrencyTest);
