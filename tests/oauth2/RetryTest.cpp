#include "ClientTestKit.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/OAuth2Client.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;
using namespace std::chrono;

namespace {

/// Fails the first `failures` requests with `failure`, then issues tokens.
ScriptedServer::Handler failingFirst(int failures, std::function<ScriptedReply()> failure)
{
	auto count = std::make_shared<std::atomic<int>>(0);
	return [=](const RecordedRequest&) { return ++*count <= failures ? failure() : tokenReply(nextTestToken()); };
}

ScriptedReply rateLimited(const std::string& retryAfter)
{
	return metaReply(429, "API rate limit exceeded.",
		{{"X-Ratelimit-Limit", "300"}, {"X-Ratelimit-Remaining", "0"}, {"X-Ratelimit-Retryafter", retryAfter}});
}

long long epochMilliseconds(system_clock::time_point at)
{
	return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

} // namespace

class RetryTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RetryTest);
	CPPUNIT_TEST(testRetryAfterInEpochSeconds);
	CPPUNIT_TEST(testRetryAfterInEpochMilliseconds);
	CPPUNIT_TEST(testServerErrorsAreRetried);
	CPPUNIT_TEST(testRetriesAreBounded);
	CPPUNIT_TEST(testZeroDisablesRetries);
	CPPUNIT_TEST(testDeadlineCapsTheWait);
	CPPUNIT_TEST(testAuthFailuresAreNotRetried);
	CPPUNIT_TEST(testCancellationEndsTheRetryWait);
	CPPUNIT_TEST(testCancelledCallSendsNothing);
	CPPUNIT_TEST_SUITE_END();

public:
	void testRetryAfterInEpochSeconds()
	{
		const auto retryAt = time_point_cast<seconds>(system_clock::now()) + seconds(2);
		const std::string header = std::to_string(duration_cast<seconds>(retryAt.time_since_epoch()).count());
		ScriptedServer server(failingFirst(1, [&] { return rateLimited(header); }), &loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT(result.ok());
		const auto requests = server.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), requests.size());
		CPPUNIT_ASSERT_MESSAGE(
			"retried before X-Ratelimit-Retryafter", requests[1].received >= retryAt - milliseconds(5));
	}

	void testRetryAfterInEpochMilliseconds()
	{
		const auto retryAt = system_clock::now() + milliseconds(700);
		const std::string header = std::to_string(epochMilliseconds(retryAt));
		ScriptedServer server(failingFirst(1, [&] { return rateLimited(header); }), &loopbackCertificate());
		OAuth2Client client(configFor(server));
		CPPUNIT_ASSERT(client.token().ok());
		const auto requests = server.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), requests.size());
		CPPUNIT_ASSERT_MESSAGE(
			"retried before X-Ratelimit-Retryafter", requests[1].received >= retryAt - milliseconds(5));
	}

	void testServerErrorsAreRetried()
	{
		int status = 499;
		ScriptedServer server(
			failingFirst(3, [&] { return metaReply(status += 1, "Failed to issue token"); }), &loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT(result.ok());
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), server.requests().size());
	}

	void testRetriesAreBounded()
	{
		ScriptedServer server(
			[](const RecordedRequest&) { return metaReply(503, "Service Unavailable"); }, &loopbackCertificate());
		ClientConfig config = configFor(server);
		config.maxRetries = 2;
		OAuth2Client client(config);
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(503, result.statusCode);
		CPPUNIT_ASSERT_EQUAL(std::string("server_error"), std::string(toString(result.error->kind)));
		CPPUNIT_ASSERT(result.error->retryable);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), server.requests().size());
	}

	void testZeroDisablesRetries()
	{
		ScriptedServer server([](const RecordedRequest&) { return rateLimited("1"); }, &loopbackCertificate());
		ClientConfig config = configFor(server);
		config.maxRetries = 0;
		OAuth2Client client(config);
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(429, result.statusCode);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
	}

	void testDeadlineCapsTheWait()
	{
		const std::string farAway =
			std::to_string(duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + 60);
		ScriptedServer server([&](const RecordedRequest&) { return rateLimited(farAway); }, &loopbackCertificate());
		OAuth2Client client(configFor(server)); // callTimeout 5 s
		const auto started = steady_clock::now();
		const TokenResult result = client.token();
		CPPUNIT_ASSERT(steady_clock::now() - started < seconds(5));
		CPPUNIT_ASSERT_EQUAL(429, result.statusCode);
		CPPUNIT_ASSERT_EQUAL(std::string("rate_limited"), std::string(toString(result.error->kind)));
		CPPUNIT_ASSERT(*result.error->retryAfterSeconds > 50 && *result.error->retryAfterSeconds <= 60);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
		// Further calls are answered from the remembered 429 until its time has come.
		CPPUNIT_ASSERT(client.token().fromCache);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
	}

	void testAuthFailuresAreNotRetried()
	{
		ScriptedServer server([](const RecordedRequest&) { return metaReply(403, "access denied, invalid client"); },
			&loopbackCertificate());
		OAuth2Client client(configFor(server));
		CPPUNIT_ASSERT_EQUAL(403, client.token().statusCode);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
		RevokeOptions revoke;
		revoke.token = "t";
		server.setHandler([](const RecordedRequest&) { return metaReply(503, "Failed to revoke token"); });
		CPPUNIT_ASSERT_EQUAL(503, client.revoke(revoke).statusCode);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requests().size()); // revoke is not retried either
	}

	/// A retry's wait is a wait on the cancellation, not a sleep: the call ends when the host
	/// asks, as `cancelled` (not retryable, not a timeout), and the retry never goes out.
	void testCancellationEndsTheRetryWait()
	{
		ScriptedServer server([](const RecordedRequest&) { return rateLimited("4"); }, &loopbackCertificate());
		OAuth2Client client(configFor(server)); // callTimeout 5 s: the 4 s wait fits
		Cancellation cancellation;
		std::thread host([&] {
			// Once the first request has reached the server: the call or the wait after it ends.
			const auto until = steady_clock::now() + seconds(20);
			while (server.requests().empty() && steady_clock::now() < until)
				std::this_thread::sleep_for(milliseconds(10));
			cancellation.cancel();
		});
		TokenOptions options;
		options.cancellation = &cancellation;
		const auto started = steady_clock::now();
		const TokenResult result = client.token(options);
		const auto took = steady_clock::now() - started;
		host.join();
		CPPUNIT_ASSERT(result.error);
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), std::string(toString(result.error->kind)));
		CPPUNIT_ASSERT(!result.error->retryable);
		CPPUNIT_ASSERT_MESSAGE("the 4 s wait ran to its end", took < seconds(3));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
	}

	void testCancelledCallSendsNothing()
	{
		ScriptedServer server(
			[](const RecordedRequest&) { return tokenReply(nextTestToken()); }, &loopbackCertificate());
		OAuth2Client client(configFor(server));
		Cancellation cancellation;
		cancellation.cancel();
		TokenOptions token;
		token.cancellation = &cancellation;
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), std::string(toString(client.token(token).error->kind)));
		RevokeOptions revoke;
		revoke.token = "t";
		revoke.cancellation = &cancellation;
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), std::string(toString(client.revoke(revoke).error->kind)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), server.requests().size());
	}
};

FALCON_REGISTER_SUITE(RetryTest);
