#include "ClientTestKit.h"
#include "ConnectProxy.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/OAuth2Client.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;

namespace {

const std::string ENCODED_PROXY_PASSWORD = "pr0xy%2Fpass%2Bword";

} // namespace

class ProxyTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProxyTest);
	CPPUNIT_TEST(testTunnelsThroughAuthenticatedProxy);
	CPPUNIT_TEST(testKeepAliveThroughTheTunnel);
	CPPUNIT_TEST(testWrongProxyPasswordIsANetworkError);
	CPPUNIT_TEST(testMissingProxyCredentials);
	CPPUNIT_TEST(testUnreachableProxy);
	CPPUNIT_TEST_SUITE_END();

public:
	void testTunnelsThroughAuthenticatedProxy()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ConnectProxy proxy("alice", TEST_PROXY_PASSWORD);
		ClientConfig config = configFor(server);
		config.proxy = "http://alice:" + ENCODED_PROXY_PASSWORD + "@127.0.0.1:" + std::to_string(proxy.port());
		OAuth2Client client(config);
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_MESSAGE(result.error ? result.error->message : "", result.ok());
		const auto attempts = proxy.attempts();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), attempts.size());
		CPPUNIT_ASSERT_EQUAL("127.0.0.1:" + std::to_string(server.port()), attempts[0].target);
		CPPUNIT_ASSERT(attempts[0].authorized);
		// TLS runs end to end: the proxy saw a CONNECT, never the form with the secret.
		CPPUNIT_ASSERT(attempts[0].rawRequest.find("client_secret") == std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
	}

	void testKeepAliveThroughTheTunnel()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ConnectProxy proxy;
		ClientConfig config = configFor(server);
		config.proxy = "127.0.0.1:" + std::to_string(proxy.port());
		OAuth2Client client(config);
		CPPUNIT_ASSERT(client.token(TokenOptions::forced()).ok());
		CPPUNIT_ASSERT(client.token(TokenOptions::forced()).ok());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), proxy.attempts().size());
		CPPUNIT_ASSERT_EQUAL(1u, server.connections());
	}

	void testWrongProxyPasswordIsANetworkError()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ConnectProxy proxy("alice", "the-right-one");
		ClientConfig config = configFor(server);
		config.proxy = "http://alice:" + ENCODED_PROXY_PASSWORD + "@127.0.0.1:" + std::to_string(proxy.port());
		OAuth2Client client(config);
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(std::string("network"), std::string(toString(result.error->kind)));
		CPPUNIT_ASSERT(result.error->message.find("Proxy Authentication Required") != std::string::npos);
		CPPUNIT_ASSERT(!result.error->retryable); // the same credentials will be refused again
		CPPUNIT_ASSERT(result.error->message.find(TEST_PROXY_PASSWORD) == std::string::npos);
		CPPUNIT_ASSERT(result.error->message.find(ENCODED_PROXY_PASSWORD) == std::string::npos);
		CPPUNIT_ASSERT_EQUAL(0u, server.connections());
	}

	void testMissingProxyCredentials()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ConnectProxy proxy("alice", "secret");
		ClientConfig config = configFor(server);
		config.proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
		OAuth2Client client(config);
		CPPUNIT_ASSERT_EQUAL(std::string("network"), std::string(toString(client.token().error->kind)));
		CPPUNIT_ASSERT(!proxy.attempts().at(0).authorized);
	}

	void testUnreachableProxy()
	{
		unsigned short port;
		{
			ConnectProxy gone;
			port = gone.port();
		}
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = configFor(server);
		config.proxy = "http://127.0.0.1:" + std::to_string(port);
		OAuth2Client client(config);
		const TokenResult result = client.token();
		CPPUNIT_ASSERT_EQUAL(std::string("network"), std::string(toString(result.error->kind)));
		CPPUNIT_ASSERT_EQUAL(0u, server.connections());
	}
};

FALCON_REGISTER_SUITE(ProxyTest);
