#include "RedisStoreFixture.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/store/RedisTokenStore.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <thread>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;

namespace {

/// A TLS server that completes the handshake and then answers whatever it is sent one byte
/// every 100 ms: a peer that would hold a reader forever.
class TricklingTlsServer
{
public:
	explicit TricklingTlsServer(const CertificateAuthority::Issued& certificate):
		_context(new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, certificate.keyFile,
			certificate.certificateFile, "", Poco::Net::Context::VERIFY_NONE)),
		_socket(Poco::Net::SocketAddress("127.0.0.1", 0), 16, _context)
	{
		_thread = std::thread([this] { serve(); });
	}
	~TricklingTlsServer()
	{
		_stop = true;
		_thread.join();
	}
	Poco::UInt16 port() const { return _socket.address().port(); }

private:
	void serve()
	{
		while (!_stop)
		{
			if (!_socket.poll(Poco::Timespan(0, 20000), Poco::Net::Socket::SELECT_READ)) continue;
			try
			{
				Poco::Net::StreamSocket peer = _socket.acceptConnection();
				peer.setReceiveTimeout(Poco::Timespan(1, 0));
				char request[512];
				if (peer.receiveBytes(request, sizeof(request)) <= 0) continue;
				for (int i = 0; i < 50 && !_stop; ++i)
				{
					peer.sendBytes("+", 1);
					std::this_thread::sleep_for(std::chrono::milliseconds(100));
				}
			}
			catch (const Poco::Exception&)
			{
				// The client gave up: what this server is for.
			}
		}
	}

	Poco::Net::Context::Ptr _context;
	Poco::Net::SecureServerSocket _socket;
	std::atomic<bool> _stop{false};
	std::thread _thread;
};

} // namespace

/// The distributed store over TLS (rediss://): the whole shared-store contract against a
/// redis-server its clients reach over TLS, then every way its TLS can be wrong — an untrusted CA, an
/// expired certificate, a certificate for another host, a server that speaks no TLS, one that
/// never finishes the handshake or trickles — each ending in the fallback within the store's
/// timeout, with no secret in the log. Mutual TLS, an ACL user, and session resumption.
class RedisTlsStoreTest: public RedisStoreFixture
{
	CPPUNIT_TEST_SUB_SUITE(RedisTlsStoreTest, SharedStoreContract);
	CPPUNIT_TEST(testEntriesTravelOverTls);
	CPPUNIT_TEST(testUntrustedCertificate);
	CPPUNIT_TEST(testExpiredCertificate);
	CPPUNIT_TEST(testCertificateForAnotherHost);
	CPPUNIT_TEST(testServerWithoutTls);
	CPPUNIT_TEST(testHandshakeNeverFinishes);
	CPPUNIT_TEST(testTricklingTlsServer);
	CPPUNIT_TEST(testMutualTls);
	CPPUNIT_TEST(testAclUser);
	CPPUNIT_TEST(testReconnectResumesTheSession);
	CPPUNIT_TEST(testClearTextAcrossANetworkIsWarnedOnce);
	CPPUNIT_TEST_SUITE_END();

	static RedisServer::Tls tlsWith(const CertificateAuthority::Issued& certificate)
	{
		return RedisServer::Tls{certificate.certificateFile, certificate.keyFile, testPki().caFile(), false, "", ""};
	}

	/// `config` aimed at another server: the rediss:// URL of `port` with `query`.
	static void aimAt(ClientConfig& config, Poco::UInt16 port, const std::string& query)
	{
		config.tokenCache.redisUrl = "rediss://127.0.0.1:" + std::to_string(port) + "/0" + query;
		config.tokenCache.storeTimeout = std::chrono::milliseconds(300);
	}

	static std::string trustingTestCa() { return "?ca_bundle=" + testPki().caFile(); }

protected:
	RedisServer::Options serverOptions() const override
	{
		return RedisServer::Options{REDIS_PASSWORD, false, tlsWith(loopbackCertificate())};
	}

public:
	void testEntriesTravelOverTls()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const ClientConfig config = sharedConfig(server);
		CPPUNIT_ASSERT(Poco::startsWith(config.tokenCache.redisUrl, std::string("rediss://")));
		const std::string token = tokenOf(OAuth2Client(config).token());
		const TokenResult shared = OAuth2Client(config).token();
		CPPUNIT_ASSERT(shared.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(token, tokenOf(shared));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
	}

	void testUntrustedCertificate()
	{
		CertificateAuthority stranger(testDirectory() + "/redis-stranger-ca", "Stranger CA");
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		aimAt(config, _redis->port(), "?ca_bundle=" + stranger.caFile());
		expectFallback(config, "certificate verify failed", std::chrono::seconds(3));
	}

	/// A redis-server of its own presenting `certificate` (from the CA the store trusts): the store
	/// refuses it, saying `why`, and the call goes on without it.
	void expectCertificateRefused(const CertificateAuthority::Issued& certificate, const std::string& why)
	{
		RedisServer redis(RedisServer::Options{REDIS_PASSWORD, false, tlsWith(certificate)});
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		aimAt(config, redis.port(), trustingTestCa());
		expectFallback(config, why, std::chrono::seconds(3));
	}

	void testExpiredCertificate()
	{
		expectCertificateRefused(
			testPki().issue("redis-expired", {"localhost"}, {"127.0.0.1"}, CertificateAuthority::Purpose::Server, true),
			"certificate verify failed");
	}

	void testCertificateForAnotherHost()
	{
		expectCertificateRefused(
			testPki().issue("redis-elsewhere", {"redis.example.net"}, {}), "Unacceptable certificate from 127.0.0.1");
	}

	/// rediss:// to a server that speaks plain RESP: the handshake fails, nothing is sent in clear.
	void testServerWithoutTls()
	{
		RedisServer plain(RedisServer::Options{REDIS_PASSWORD, false, {}});
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		aimAt(config, plain.port(), trustingTestCa());
		expectFallback(config, "Redis store rediss://127.0.0.1", std::chrono::seconds(3));
	}

	/// A listener that takes the connection and never answers the client's hello.
	void testHandshakeNeverFinishes()
	{
		Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		aimAt(config, silent.address().port(), trustingTestCa());
		expectFallback(config, "did not finish before the deadline", std::chrono::seconds(2));
	}

	void testTricklingTlsServer()
	{
		TricklingTlsServer trickler(loopbackCertificate());
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		aimAt(config, trickler.port(), trustingTestCa());
		config.tokenCache.redisPassword.clear();
		expectFallback(config, "did not answer within 300 ms", std::chrono::seconds(2));
	}

	/// A server that asks for client certificates: refused without one, served with one.
	void testMutualTls()
	{
		const auto client =
			testPki().issue("redis-client", {"falcon-oauth2"}, {}, CertificateAuthority::Purpose::Client);
		RedisServer::Tls tls = tlsWith(loopbackCertificate());
		tls.requireClientCertificate = true;
		tls.clientCertificateFile = client.certificateFile;
		tls.clientKeyFile = client.keyFile;
		RedisServer redis(RedisServer::Options{REDIS_PASSWORD, false, tls});
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		aimAt(config, redis.port(), trustingTestCa());
		expectFallback(config, "Redis store rediss://127.0.0.1", std::chrono::seconds(3));

		config.tokenCache.redisUrl = redis.url(); // with client_cert and client_key
		const std::string token = tokenOf(OAuth2Client(config).token());
		const TokenResult shared = OAuth2Client(config).token();
		CPPUNIT_ASSERT(shared.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(token, tokenOf(shared));
	}

	/// A Redis 6 ACL user of its own (rediss://USER@HOST), its password given apart from the URL,
	/// allowed no more than the deployment notes say the store needs: mint, share, revoke.
	void testAclUser()
	{
		const std::string userPassword = "acl-user/Pass+7";
		CPPUNIT_ASSERT(_redis
						   ->command({"ACL", "SETUSER", "falcon", "on", ">" + userPassword,
							   "~" + KEY_PREFIX + "falcon-oauth2-*", "+get", "+set", "+del", "+pexpire", "+eval"})
						   .is("OK"));
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.tokenCache.redisUrl =
			"rediss://falcon@127.0.0.1:" + std::to_string(_redis->port()) + "/0" + trustingTestCa();
		config.tokenCache.redisPassword = userPassword;
		const std::string token = tokenOf(OAuth2Client(config).token());
		const TokenResult shared = OAuth2Client(config).token();
		CPPUNIT_ASSERT(shared.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(token, tokenOf(shared));
		CPPUNIT_ASSERT(_redis->dump().find(token) == std::string::npos);
		RecordedLogger log("test.redis-tls.acl");
		OAuth2Client revoker(config, log.logger());
		RevokeOptions revoke;
		revoke.token = token;
		CPPUNIT_ASSERT(revoker.revoke(revoke).ok());
		CPPUNIT_ASSERT_MESSAGE(log.text(), !log.says("goes on without it") && !log.says("NOPERM"));
		CPPUNIT_ASSERT(entryKey().empty());

		config.tokenCache.redisPassword = REDIS_PASSWORD; // the default user's, not falcon's
		expectFallback(config, "refused AUTH", std::chrono::seconds(3));
	}

	/// A connection the server dropped is opened again by resuming the TLS session.
	void testReconnectResumesTheSession()
	{
		RedisSocket connection(
			RedisAddress::parse(_redis->url(), "test"), REDIS_PASSWORD, std::chrono::seconds(2), 1024);
		const auto deadline = [] { return Clock::now() + std::chrono::seconds(2); };
		CPPUNIT_ASSERT(connection.exchange({{"PING"}}, deadline()).front().is("PONG"));
		CPPUNIT_ASSERT_EQUAL(0u, connection.tlsResumptions());
		CPPUNIT_ASSERT_EQUAL(1LL, _redis->command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}).integer);
		CPPUNIT_ASSERT(connection.exchange({{"PING"}}, deadline()).front().is("PONG"));
		CPPUNIT_ASSERT_EQUAL(1u, connection.tlsResumptions());
	}

	/// redis:// to a host that is not loopback: one warning per process that the password and the
	/// entries travel in clear, said when the session is made (nothing is sent here).
	void testClearTextAcrossANetworkIsWarnedOnce()
	{
		CPPUNIT_ASSERT(RedisAddress::parse("redis://redis.internal.example:6379/0", "test").inClear());
		CPPUNIT_ASSERT(!RedisAddress::parse("redis://127.0.0.1:6379/0", "test").inClear());
		CPPUNIT_ASSERT(!RedisAddress::parse("rediss://redis.internal.example/0", "test").inClear());
		CPPUNIT_ASSERT(!RedisAddress::parse("unix:///run/redis/redis.sock", "test").inClear());
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.tokenCache.redisUrl = "redis://redis.internal.example:6379/0";
		RecordedLogger log("test.redis-tls.clear");
		{
			OAuth2Client first(config, log.logger());
			OAuth2Client second(config, log.logger());
		}
		const std::string said = log.text();
		const std::string warning = "travel in clear (use rediss:// for TLS)";
		CPPUNIT_ASSERT_MESSAGE(said, said.find(warning) != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(said, said.find(warning) == said.rfind(warning));
		CPPUNIT_ASSERT_MESSAGE(said, said.find(REDIS_PASSWORD) == std::string::npos);
	}
};

FALCON_REGISTER_SUITE(RedisTlsStoreTest);
