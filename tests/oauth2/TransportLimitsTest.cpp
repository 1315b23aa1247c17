#include "ClientTestKit.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/OAuth2Client.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;
using namespace std::chrono;

namespace {

ScriptedReply raw(const std::string& bytes, bool close = true)
{
	ScriptedReply reply;
	reply.raw = bytes;
	reply.close = close;
	return reply;
}

std::string kindOf(const ApiResult& result)
{
	return result.error ? toString(result.error->kind) : "none";
}

} // namespace

/// Timeouts, size caps and broken replies: each ends within its deadline with a clear error,
/// and the session works for the next good call.
class TransportLimitsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TransportLimitsTest);
	CPPUNIT_TEST(testSilentServerEndsAtTheDeadline);
	CPPUNIT_TEST(testSlowHeadersHitTheReadTimeout);
	CPPUNIT_TEST(testAnnouncedOversizedBody);
	CPPUNIT_TEST(testStreamedOversizedBody);
	CPPUNIT_TEST(testTruncatedBody);
	CPPUNIT_TEST(testGarbledStatusLine);
	CPPUNIT_TEST(testConnectionClosedWithoutReply);
	CPPUNIT_TEST_SUITE_END();

	void assertRecovers(ScriptedServer& server, OAuth2Client& client)
	{
		server.setHandler(falconLike());
		const TokenResult next = client.token(TokenOptions::forced());
		CPPUNIT_ASSERT_MESSAGE(next.error ? next.error->message : "", next.ok());
	}

public:
	void testSilentServerEndsAtTheDeadline()
	{
		ScriptedServer server(
			[](const RecordedRequest&) {
				ScriptedReply r;
				r.silent = true;
				return r;
			},
			&loopbackCertificate());
		ClientConfig config = configFor(server);
		config.readTimeout = milliseconds(30000);
		config.callTimeout = milliseconds(800);
		OAuth2Client client(config);
		const auto started = steady_clock::now();
		const TokenResult result = client.token();
		const auto took = steady_clock::now() - started;
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.error->message, std::string("timeout"), kindOf(result));
		CPPUNIT_ASSERT(result.error->retryable);
		CPPUNIT_ASSERT_MESSAGE("the call outlived its deadline by far", took < milliseconds(800) + seconds(2));
		assertRecovers(server, client);
	}

	void testSlowHeadersHitTheReadTimeout()
	{
		ScriptedServer server(
			[](const RecordedRequest&) {
				ScriptedReply r = tokenReply("late");
				r.delay = seconds(5);
				return r;
			},
			&loopbackCertificate());
		ClientConfig config = configFor(server);
		config.readTimeout = milliseconds(300);
		OAuth2Client client(config);
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(std::string("timeout"), kindOf(result));
		assertRecovers(server, client);
	}

	void testAnnouncedOversizedBody()
	{
		ScriptedServer server(
			[](const RecordedRequest&) { return ScriptedReply::json(201, std::string(8192, ' ') + "{}"); },
			&loopbackCertificate());
		ClientConfig config = configFor(server);
		config.maxResponseBytes = 4096;
		OAuth2Client client(config);
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(std::string("protocol"), kindOf(result));
		CPPUNIT_ASSERT(result.error->message.find("more than the limit of 4096 bytes") != std::string::npos);
		assertRecovers(server, client);
	}

	void testStreamedOversizedBody()
	{
		std::string chunked =
			"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
		for (int i = 0; i < 10; ++i) chunked += "400\r\n" + std::string(1024, 'x') + "\r\n";
		chunked += "0\r\n\r\n";
		ScriptedServer server([&](const RecordedRequest&) { return raw(chunked); }, &loopbackCertificate());
		ClientConfig config = configFor(server);
		config.maxResponseBytes = 4096;
		OAuth2Client client(config);
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(std::string("protocol"), kindOf(result));
		CPPUNIT_ASSERT(result.error->message.find("larger than the limit of 4096 bytes") != std::string::npos);
		assertRecovers(server, client);
	}

	void testTruncatedBody()
	{
		ScriptedServer server(
			[](const RecordedRequest&) {
				return raw("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: "
						   "100\r\n\r\n{\"access_token\": \"abc");
			},
			&loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(std::string("protocol"), kindOf(result));
		CPPUNIT_ASSERT(result.error->message.find("was cut short: got 21 of 100 bytes") != std::string::npos);
		assertRecovers(server, client);
	}

	void testGarbledStatusLine()
	{
		ScriptedServer server([](const RecordedRequest&) { return raw("SMTP ready\r\n\r\n"); }, &loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(500, result.statusCode);
		CPPUNIT_ASSERT(kindOf(result) == "protocol" || kindOf(result) == "network");
		assertRecovers(server, client);
	}

	void testConnectionClosedWithoutReply()
	{
		ScriptedServer server(
			[](const RecordedRequest&) {
				ScriptedReply r;
				r.hangUp = true;
				return r;
			},
			&loopbackCertificate());
		OAuth2Client client(configFor(server));
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(std::string("network"), kindOf(result));
		CPPUNIT_ASSERT(result.error->retryable);
		assertRecovers(server, client);
	}
};

FALCON_REGISTER_SUITE(TransportLimitsTest);
