#include "EmulatorTestKit.h"
#include "SuiteDriver.h"
#include "TestDirectory.h"

#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>

#include <cppunit/extensions/HelperMacros.h>

#include <thread>

using namespace Falcon::Emulator;
using namespace Falcon::Testing;

/// The emulator as a server: keep-alive, many idle connections, request framing, plain HTTP and
/// its reusable TLS directory.
class EmulatorServerTest: public EmulatorFixture
{
	CPPUNIT_TEST_SUITE(EmulatorServerTest);
	CPPUNIT_TEST(testPostWithoutLengthHasNoBody);
	CPPUNIT_TEST(testManyIdleConnections);
	CPPUNIT_TEST(testKeepAlive);
	CPPUNIT_TEST(testPlainHttp);
	CPPUNIT_TEST(testTlsDirectoryIsReused);
	CPPUNIT_TEST_SUITE_END();

	RawClient client(const std::string& cloud = "us-1") { return raw(cloud); }

public:
	/// RFC 9112: no Content-Length and no chunked encoding means an empty body, answered at once.
	void testPostWithoutLengthHasNoBody()
	{
		restart([] {
			auto options = emulatorOptions();
			options.tls = false;
			return options;
		}());
		Poco::Net::StreamSocket socket(Poco::Net::SocketAddress(
			Poco::URI(_emulator->baseUrl("us-1")).getHost(), Poco::URI(_emulator->baseUrl("us-1")).getPort()));
		socket.setReceiveTimeout(Poco::Timespan(5, 0));
		const std::string request =
			"POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n";
		socket.sendBytes(request.data(), static_cast<int>(request.size()));
		const auto started = std::chrono::steady_clock::now();
		char buffer[512];
		const int got = socket.receiveBytes(buffer, sizeof(buffer));
		CPPUNIT_ASSERT(got > 0);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
		CPPUNIT_ASSERT_MESSAGE(std::string(buffer, static_cast<std::size_t>(got)),
			std::string(buffer, static_cast<std::size_t>(got)).rfind("HTTP/1.1 400", 0) == 0);
	}

	/// A host keeps up to 256 sessions, each with an idle keep-alive connection: one more
	/// connection is still answered at once.
	void testManyIdleConnections()
	{
		std::vector<RawClient> idle;
		for (int i = 0; i < 300; ++i)
		{
			idle.push_back(client());
			CPPUNIT_ASSERT_EQUAL(404, idle.back().send("GET", "/nothing-here").status);
		}
		const auto started = std::chrono::steady_clock::now();
		CPPUNIT_ASSERT_EQUAL(201, client().token(US1_CLIENT, US1_SECRET).status);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
	}

	void testKeepAlive()
	{
		RawClient raw = client();
		for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT_EQUAL(201, raw.token(US1_CLIENT, US1_SECRET).status);
		CPPUNIT_ASSERT_EQUAL(1u, raw.connectionsOpened());
	}

	void testPlainHttp()
	{
		EmulatorOptions options = emulatorOptions();
		options.tls = false;
		restart(options);
		CPPUNIT_ASSERT(_emulator->caFile().empty());
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:"), _emulator->baseUrl("us-1").substr(0, 17));
		CPPUNIT_ASSERT_EQUAL(201, client().token(US1_CLIENT, US1_SECRET).status);
	}

	void testTlsDirectoryIsReused()
	{
		EmulatorOptions options = emulatorOptions();
		options.tlsDirectory = testDirectory() + "/emulator-tls";
		restart(options);
		const std::string ca = _emulator->caFile();
		RawClient first = client();
		CPPUNIT_ASSERT_EQUAL(201, first.token(US1_CLIENT, US1_SECRET).status);
		restart(options);
		CPPUNIT_ASSERT_EQUAL(ca, _emulator->caFile());
		// A client holding the CA from the first start still trusts the second.
		CPPUNIT_ASSERT_EQUAL(201, RawClient(_emulator->baseUrl("us-1"), ca).token(US1_CLIENT, US1_SECRET).status);
	}
};

FALCON_REGISTER_SUITE(EmulatorServerTest);
