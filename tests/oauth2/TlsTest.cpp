#include "ClientTestKit.h"
#include "LogCapture.h"
#include "SuiteDriver.h"
#include "TestDirectory.h"

#include "falcon/oauth2/OAuth2Client.h"

#include <Poco/File.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;

class TlsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TlsTest);
	CPPUNIT_TEST(testCustomCaIsAccepted);
	CPPUNIT_TEST(testUnknownCaIsRefused);
	CPPUNIT_TEST(testWrongHostnameIsRefused);
	CPPUNIT_TEST(testHostnameIsCheckedForLocalhost);
	CPPUNIT_TEST(testOptOutWarnsAndConnects);
	CPPUNIT_TEST(testPlainServerIsNotTls);
	CPPUNIT_TEST(testReplacedCaBundleIsReadAgain);
	CPPUNIT_TEST_SUITE_END();

	static void assertTlsFailure(const ApiResult& result)
	{
		CPPUNIT_ASSERT_EQUAL(500, result.statusCode);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(
			result.error->message, std::string("tls"), std::string(toString(result.error->kind)));
		CPPUNIT_ASSERT(!result.error->retryable);
	}

public:
	/// Sessions share one TLS context per trust setting; a CA bundle replaced on disk is read
	/// again by the sessions made after, so trust can be withdrawn without a restart.
	void testReplacedCaBundleIsReadAgain()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const std::string bundle = testDirectory() + "/rotating-ca.pem";
		Poco::File(testPki().caFile()).copyTo(bundle);
		ClientConfig config = configFor(server);
		config.caBundle = bundle;
		OAuth2Client trusting(config);
		CPPUNIT_ASSERT(trusting.token().ok());
		OAuth2Client sharing(config);
		CPPUNIT_ASSERT(sharing.token().ok());

		Poco::File(bundle).remove();
		Poco::File(foreignPki().caFile()).copyTo(bundle);
		config.clientId += "2";
		OAuth2Client afterRotation(config);
		assertTlsFailure(afterRotation.token());
	}

	void testCustomCaIsAccepted()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client client(configFor(server));
		CPPUNIT_ASSERT(client.token().ok());
	}

	void testUnknownCaIsRefused()
	{
		const auto foreign = foreignPki().issue("foreign-loopback", {"localhost"}, {"127.0.0.1"});
		ScriptedServer server(falconLike(), &foreign);
		OAuth2Client client(configFor(server));
		assertTlsFailure(client.token());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), server.requests().size());
	}

	void testWrongHostnameIsRefused()
	{
		const auto elsewhere = testPki().issue("elsewhere", {"api.example.com"}, {"10.1.2.3"});
		ScriptedServer server(falconLike(), &elsewhere);
		OAuth2Client client(configFor(server));
		assertTlsFailure(client.token());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), server.requests().size());
	}

	void testHostnameIsCheckedForLocalhost()
	{
		const auto ipOnly = testPki().issue("ip-only", {}, {"127.0.0.1"});
		ScriptedServer server(falconLike(), &ipOnly);
		ClientConfig config = configFor(server);
		config.baseUrl = "https://localhost:" + std::to_string(server.port());
		OAuth2Client client(config);
		assertTlsFailure(client.token());
	}

	void testOptOutWarnsAndConnects()
	{
		const auto foreign = foreignPki().issue("foreign-optout", {"elsewhere.example"}, {});
		ScriptedServer server(falconLike(), &foreign);
		LogCapture capture("falcon.oauth2", Poco::Message::PRIO_WARNING);
		ClientConfig config = configFor(server);
		config.verifyTls = false;
		OAuth2Client client(config, capture.logger());
		CPPUNIT_ASSERT(client.token().ok());
		CPPUNIT_ASSERT(capture.channel().contains("TLS certificate verification is OFF"));
		OAuth2Client another(config, capture.logger());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), capture.channel().lines().size()); // once per session
	}

	void testPlainServerIsNotTls()
	{
		ScriptedServer plain(falconLike(), nullptr);
		ClientConfig config = configFor(plain);
		config.baseUrl = "https://127.0.0.1:" + std::to_string(plain.port());
		config.callTimeout = std::chrono::milliseconds(500);
		OAuth2Client client(config);
		// The plain server waits for a request line that never comes: the handshake cannot finish.
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(500, result.statusCode);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(
			result.error->message, std::string("timeout"), std::string(toString(result.error->kind)));
	}
};

FALCON_REGISTER_SUITE(TlsTest);
