#include "ClientTestKit.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/OAuth2Client.h"
#include "falcon/oauth2/core/Redactor.h"
#include "falcon/oauth2/http/HttpTransport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;

namespace {

const std::string TOKEN_BODY = "{\"access_token\": \"framed-token\", \"expires_in\": 1799, \"token_type\": \"bearer\"}";

ScriptedReply raw(const std::string& bytes, bool close = false)
{
	ScriptedReply reply;
	reply.raw = bytes;
	reply.close = close;
	return reply;
}

/// A 201 carrying TOKEN_BODY, with `fields` (each ending in CR LF) after the status line.
std::string created(const std::string& fields, const std::string& body = TOKEN_BODY)
{
	return "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n" + fields + "\r\n" + body;
}

std::string counted(const std::string& body = TOKEN_BODY)
{
	return "Content-Length: " + std::to_string(body.size()) + "\r\n";
}

std::string chunked(const std::string& body)
{
	std::ostringstream out;
	out << std::hex << body.size() << "\r\n" << body << "\r\n0\r\n\r\n";
	return out.str();
}

std::string tokenOf(const TokenResult& result)
{
	return result.issued ? result.issued->accessToken : "(" + (result.error ? result.error->message : "no token") + ")";
}

std::string kindOf(const TokenResult& result)
{
	return result.error ? toString(result.error->kind) : "none";
}

} // namespace

/// How a reply's head and body are read off the wire: every framing a server may use, and every
/// way a hostile one can break the rules, each with a clear error and a session that recovers.
class HttpFramingTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HttpFramingTest);
	CPPUNIT_TEST(testInterimRepliesArePassedOver);
	CPPUNIT_TEST(testFoldedLineContinuesItsField);
	CPPUNIT_TEST(testChunkedBodyKeepsTheConnection);
	CPPUNIT_TEST(testBodyEndingWithTheConnection);
	CPPUNIT_TEST(testReuseFollowsTheReply);
	CPPUNIT_TEST(testLengthAndChunkedTogether);
	CPPUNIT_TEST(testChunkExtensionsAndTrailers);
	CPPUNIT_TEST(testMalformedChunkedBodies);
	CPPUNIT_TEST(testLargeHeadWithinTheLimits);
	CPPUNIT_TEST(testNoContentHasNoBody);
	CPPUNIT_TEST(testMalformedHeadsAreProtocolErrors);
	CPPUNIT_TEST(testHeaderLimits);
	CPPUNIT_TEST(testStallsAreTimeouts);
	CPPUNIT_TEST(testHeaderThatBreaksItsLineIsRefused);
	CPPUNIT_TEST_SUITE_END();

	static TokenResult tokenFrom(ScriptedServer& server)
	{
		OAuth2Client client(configFor(server));
		return client.token();
	}

	/// How many connections two calls answered with `reply` take.
	/// Both calls must mint, the first with TOKEN_BODY's token; `close`: the server hangs up after
	/// each reply.
	static unsigned connectionsForTwoCalls(const std::string& reply, bool close = false)
	{
		ScriptedServer server([&](const RecordedRequest&) { return raw(reply, close); }, &loopbackCertificate());
		OAuth2Client client(configFor(server));
		CPPUNIT_ASSERT_EQUAL(std::string("framed-token"), tokenOf(client.token()));
		CPPUNIT_ASSERT(client.token(TokenOptions::forced()).ok());
		return server.connections();
	}

	/// The reply `bytes`, after which the server hangs up, must fail as a protocol error, and the
	/// same session then mint.
	static void assertProtocolError(const std::string& bytes, const std::string& expected)
	{
		ScriptedServer server([&](const RecordedRequest&) { return raw(bytes, true); }, &loopbackCertificate());
		ClientConfig config = configFor(server);
		config.maxRetries = 0;
		OAuth2Client client(config);
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL_MESSAGE(bytes.substr(0, 80), std::string("protocol"), kindOf(result));
		CPPUNIT_ASSERT_MESSAGE(result.error->message, result.error->message.find(expected) != std::string::npos);
		server.setHandler(falconLike());
		const TokenResult next = client.token(TokenOptions::forced());
		CPPUNIT_ASSERT_MESSAGE(next.error ? next.error->message : "", next.ok());
	}

public:
	void testInterimRepliesArePassedOver()
	{
		ScriptedServer server(
			[](const RecordedRequest&) {
				return raw(
					"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX-Step: 1\r\n\r\n" + created(counted()));
			},
			&loopbackCertificate());
		const TokenResult result = tokenFrom(server);
		CPPUNIT_ASSERT_MESSAGE(result.error ? result.error->message : "", result.ok());
		CPPUNIT_ASSERT_EQUAL(std::string("framed-token"), result.issued->accessToken);
		CPPUNIT_ASSERT(findHeader(result.headers, "X-Step").empty());
	}

	void testFoldedLineContinuesItsField()
	{
		ScriptedServer server(
			[](const RecordedRequest&) { return raw(created("X-Cs-Traceid: abc\r\n \t def \r\n" + counted())); },
			&loopbackCertificate());
		const TokenResult result = tokenFrom(server);
		CPPUNIT_ASSERT(result.ok());
		CPPUNIT_ASSERT_EQUAL(std::string("abc def"), findHeader(result.headers, "x-cs-traceid"));
	}

	void testChunkedBodyKeepsTheConnection()
	{
		CPPUNIT_ASSERT_EQUAL(
			1u, connectionsForTwoCalls(created("Transfer-Encoding: chunked\r\n", chunked(TOKEN_BODY))));
	}

	void testBodyEndingWithTheConnection() { CPPUNIT_ASSERT_EQUAL(2u, connectionsForTwoCalls(created(""), true)); }

	/// Whether a connection is used again, as the reply says: the server leaves every one open.
	void testReuseFollowsTheReply()
	{
		const std::string http10 = "HTTP/1.0 201 Created\r\nContent-Type: application/json\r\n" + counted();
		CPPUNIT_ASSERT_EQUAL(2u, connectionsForTwoCalls(http10 + "\r\n" + TOKEN_BODY));
		CPPUNIT_ASSERT_EQUAL(1u, connectionsForTwoCalls(http10 + "Connection: Keep-Alive\r\n\r\n" + TOKEN_BODY));
		CPPUNIT_ASSERT_EQUAL(2u, connectionsForTwoCalls(created("Connection: TE, close\r\n" + counted())));
		CPPUNIT_ASSERT_EQUAL(1u, connectionsForTwoCalls(created(counted())));
	}

	void testLengthAndChunkedTogether()
	{
		// The coding wins over the length; what follows such a reply is not trusted.
		CPPUNIT_ASSERT_EQUAL(2u,
			connectionsForTwoCalls(
				created("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", chunked(TOKEN_BODY))));
	}

	void testChunkExtensionsAndTrailers()
	{
		const std::string rest = TOKEN_BODY.substr(4);
		std::ostringstream body;
		body << "4;name=value\r\n"
			 << TOKEN_BODY.substr(0, 4) << "\r\n"
			 << std::hex << std::uppercase << rest.size() << " ; x=1\r\n"
			 << rest << "\r\n0\r\nX-Trailer: t\r\n\r\n";
		CPPUNIT_ASSERT_EQUAL(1u, connectionsForTwoCalls(created("Transfer-Encoding: gzip, chunked\r\n", body.str())));
	}

	void testMalformedChunkedBodies()
	{
		const std::string coding = "Transfer-Encoding: chunked\r\n";
		assertProtocolError(created(coding, "zz\r\n" + TOKEN_BODY + "\r\n0\r\n\r\n"), "has no size");
		assertProtocolError(created(coding, "\r\n" + TOKEN_BODY + "\r\n0\r\n\r\n"), "has no size");
		assertProtocolError(created(coding, "1000000000000000\r\n"), "has no size");
		assertProtocolError(created(coding, "2\r\n{}XX0\r\n\r\n"), "does not end where its size says");
		assertProtocolError(created(coding, "10\r\n{}"), "ended inside its chunked body");
		assertProtocolError(created(coding, "2\r\n{}\r\n"), "ended inside its chunked body");
		assertProtocolError(created(coding, "2\r\n{}\r\n0\r\nX-Trailer: t\r\n"), "ended inside its chunked body");
		std::string trailers;
		for (std::size_t i = 0; i <= HttpConnection::MAX_FIELDS; ++i) trailers += "X-Trailer: t\r\n";
		assertProtocolError(created(coding, "2\r\n{}\r\n0\r\n" + trailers + "\r\n"), "more than 100 trailer fields");
	}

	void testLargeHeadWithinTheLimits()
	{
		// Ninety fields of a kilobyte: more than the connection's buffer holds at once.
		std::string fields;
		for (int i = 0; i < 90; ++i) fields += "X-Field-" + std::to_string(i) + ": " + std::string(1000, 'v') + "\r\n";
		ScriptedServer server(
			[&](const RecordedRequest&) { return raw(created(fields + counted())); }, &loopbackCertificate());
		const TokenResult result = tokenFrom(server);
		CPPUNIT_ASSERT_EQUAL(std::string("framed-token"), tokenOf(result));
		CPPUNIT_ASSERT_EQUAL(std::string(1000, 'v'), findHeader(result.headers, "X-Field-89"));
	}

	void testNoContentHasNoBody()
	{
		ScriptedServer server(
			[](const RecordedRequest& request) {
				// The length a 204 announces is that of a body it does not send.
				if (request.target == "/oauth2/revoke")
					return raw("HTTP/1.1 204 No Content\r\nContent-Length: 20\r\n\r\n");
				return tokenReply("t");
			},
			&loopbackCertificate());
		OAuth2Client client(configFor(server));
		RevokeOptions revoke;
		revoke.token = "some-token";
		const auto first = client.revoke(revoke);
		CPPUNIT_ASSERT_EQUAL(204, first.statusCode);
		CPPUNIT_ASSERT_EQUAL(204, client.revoke(revoke).statusCode);
		CPPUNIT_ASSERT_EQUAL(1u, server.connections());
	}

	void testMalformedHeadsAreProtocolErrors()
	{
		assertProtocolError("HTTP/1.1 2O1 Created\r\n\r\n", "status line");
		assertProtocolError("HTTP/1.1 201Created\r\n\r\n", "status line");
		assertProtocolError("HTTP/1.1 201 Created\r\nno colon here\r\n\r\n", "not a field");
		assertProtocolError("HTTP/1.1 201 Created\r\nSpace Before : colon\r\n\r\n", "not a field");
		assertProtocolError("HTTP/1.1 201 Created\r\n folded first\r\n\r\n", "folded");
		assertProtocolError(created("Content-Length: 12x\r\n"), "Content-Length");
		assertProtocolError(created("Content-Length: 99999999999999999999\r\n"), "Content-Length");
		assertProtocolError(created("Content-Length: 5\r\nContent-Length: 6\r\n"), "two different");
		assertProtocolError("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n", "ended inside its headers");
		assertProtocolError("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2", "ended inside its status line");
	}

	void testHeaderLimits()
	{
		std::string many;
		for (std::size_t i = 0; i < HttpConnection::MAX_FIELDS; ++i) many += "X-Field-" + std::to_string(i) + ": v\r\n";
		assertProtocolError(created(many + counted()), "more than 100 header fields");
		const std::string line(HttpConnection::MAX_LINE_BYTES + 1, 'v');
		assertProtocolError(created("X-Long: " + line + "\r\n" + counted()), "longer than");
		assertProtocolError(created("X-Long: v\r\n " + line.substr(0, line.size() / 2) + "\r\n "
								+ line.substr(0, line.size() / 2) + "\r\n"),
			"longer than");
	}

	/// A reply that stops mid-way and keeps the connection open: the read timeout ends the wait,
	/// wherever the reply stopped, and says so.
	void testStallsAreTimeouts()
	{
		const std::string whole = created(counted());
		for (const std::size_t cut : {std::size_t(9), whole.find("Content-Length") + 4, whole.size() - 10})
		{
			ScriptedServer server(
				[&](const RecordedRequest&) { return raw(whole.substr(0, cut)); }, &loopbackCertificate());
			ClientConfig config = configFor(server);
			config.readTimeout = std::chrono::milliseconds(300);
			config.maxRetries = 0;
			OAuth2Client client(config);
			const TokenResult result = client.token();
			CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(cut) + ": " + (result.error ? result.error->message : ""),
				std::string("timeout"), kindOf(result));
			server.setHandler(falconLike());
			CPPUNIT_ASSERT(client.token(TokenOptions::forced()).ok());
		}
	}

	void testHeaderThatBreaksItsLineIsRefused()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		Redactor redactor;
		TransportSettings settings;
		settings.caBundle = testPki().caFile();
		settings.proxyFromEnvironment = false;
		HttpTransport transport(settings, Poco::Logger::get("HttpFramingTest"), redactor);
		const Endpoint target = Endpoint::parse(server.baseUrl() + "/oauth2/token", "url");
		for (const auto& header : HeaderList{{"X-Test", "value\r\nX-Injected: 1"}, {"X-Test", std::string("a\0b", 3)},
				 {"X-Te\nst", "value"}, {"X Test", "value"}, {"", "value"}})
		{
			WireRequest request;
			request.headers.push_back(header);
			try
			{
				transport.post(target, request, Clock::now() + std::chrono::seconds(5));
				CPPUNIT_FAIL("a header that breaks its line was sent");
			}
			catch (const TransportError& e)
			{
				CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), std::string(toString(e.kind())));
				CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find("Injected") == std::string::npos);
			}
		}
		CPPUNIT_ASSERT_EQUAL(0u, server.connections());
		WireRequest good;
		good.headers.emplace_back("X-Test", "value");
		CPPUNIT_ASSERT_EQUAL(201, transport.post(target, good, Clock::now() + std::chrono::seconds(5)).status);
	}
};

FALCON_REGISTER_SUITE(HttpFramingTest);
