#include "RedisStoreFixture.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/store/RedisTokenStore.h"

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <thread>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;

namespace {

/// Answers whatever it is sent with `reply`, then trickles nothing more and keeps the connection
/// open until the test ends: a peer that is not Redis.
class ImpostorServer
{
public:
	explicit ImpostorServer(std::string reply):
		_socket(Poco::Net::SocketAddress("127.0.0.1", 0)), _reply(std::move(reply))
	{
		_thread = std::thread([this] { serve(); });
	}
	~ImpostorServer()
	{
		_stop = true;
		_thread.join();
	}
	Poco::UInt16 port() const { return _socket.address().port(); }

private:
	void serve()
	{
		std::vector<Poco::Net::StreamSocket> open;
		while (!_stop)
		{
			if (!_socket.poll(Poco::Timespan(0, 20000), Poco::Net::Socket::SELECT_READ)) continue;
			Poco::Net::StreamSocket peer = _socket.acceptConnection();
			char request[512];
			peer.setReceiveTimeout(Poco::Timespan(1, 0));
			if (peer.receiveBytes(request, sizeof(request)) > 0)
				peer.sendBytes(_reply.data(), static_cast<int>(_reply.size()));
			open.push_back(peer);
		}
	}

	Poco::Net::ServerSocket _socket;
	std::string _reply;
	std::atomic<bool> _stop{false};
	std::thread _thread;
};

} // namespace

/// The distributed store over plain TCP and Unix sockets, and how a call fares when the server
/// is down, slow, restarted or refuses it.
class RedisStoreTest: public RedisStoreFixture
{
	CPPUNIT_TEST_SUB_SUITE(RedisStoreTest, SharedStoreContract);
	CPPUNIT_TEST(testKeysHoldNothingInClear);
	CPPUNIT_TEST(testUnixSocket);
	CPPUNIT_TEST(testServerDownAtStart);
	CPPUNIT_TEST(testWrongPassword);
	CPPUNIT_TEST(testCrashedLockHolderBlocksOnlyForTheLockTtl);
	CPPUNIT_TEST(testSlowServerWithinTimeout);
	CPPUNIT_TEST(testSlowServerBeyondTimeout);
	CPPUNIT_TEST(testRestartMidRun);
	CPPUNIT_TEST(testEntryOfAnotherTypeIsReplaced);
	CPPUNIT_TEST(testHostileRepliesAreBounded);
	CPPUNIT_TEST(testSessionsShareOneConnection);
	CPPUNIT_TEST(testFailoverOfAReplica);
	CPPUNIT_TEST(testServerStillLoading);
	CPPUNIT_TEST_SUITE_END();

public:
	/// Key names hold the prefix and digests only; the entry expires with its token.
	/// Connections the server has open besides the test's own (its administrator's).
	long long ourConnections()
	{
		const std::string info = _redis->command({"INFO", "clients"}).text;
		const std::string field = "connected_clients:";
		const std::size_t at = info.find(field);
		CPPUNIT_ASSERT_MESSAGE(info, at != std::string::npos);
		return std::stoll(info.substr(at + field.size())) - 1;
	}

	/// Every session of a process that names the same server shares one connection to it, and
	/// the connection goes with the last of them.
	void testSessionsShareOneConnection()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		std::vector<std::unique_ptr<OAuth2Client>> sessions;
		for (int i = 0; i < 8; ++i)
		{
			ClientConfig config = sharedConfig(server);
			config.userAgent = "session-" + std::to_string(i);
			sessions.push_back(std::make_unique<OAuth2Client>(config));
			CPPUNIT_ASSERT(sessions.back()->token().ok());
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
		CPPUNIT_ASSERT_EQUAL(1LL, ourConnections());
		// Another password is another connection: what one sends is not sent as the other.
		ClientConfig other = sharedConfig(server);
		other.tokenCache.redisPassword = "not-the-password";
		OAuth2Client stranger(other);
		CPPUNIT_ASSERT(stranger.token().ok());
		sessions.clear();
		const auto deadline = Clock::now() + std::chrono::seconds(5);
		while (ourConnections() != 0 && Clock::now() < deadline)
			std::this_thread::sleep_for(std::chrono::milliseconds(20));
		CPPUNIT_ASSERT_EQUAL(0LL, ourConnections());
	}

	void testKeysHoldNothingInClear()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const std::string token = tokenOf(OAuth2Client(sharedConfig(server)).token());
		const std::string key = entryKey();
		CPPUNIT_ASSERT(Poco::startsWith(key, KEY_PREFIX + "falcon-oauth2-"));
		const long long ttl = _redis->command({"PTTL", key}).integer;
		CPPUNIT_ASSERT_MESSAGE(std::to_string(ttl), ttl > 1700 * 1000 && ttl <= 1800 * 1000);
		CPPUNIT_ASSERT_EQUAL(0LL, _redis->command({"EXISTS", key + ":lock"}).integer); // released
		const std::string all = _redis->dump();
		CPPUNIT_ASSERT(all.find(token) == std::string::npos && all.find(TEST_CLIENT_ID) == std::string::npos);
	}

	void testUnixSocket()
	{
		RedisServer local(RedisServer::Options{"", true, {}});
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.tokenCache.redisUrl = local.url();
		config.tokenCache.redisPassword.clear();
		const std::string token = tokenOf(OAuth2Client(config).token());
		const TokenResult shared = OAuth2Client(config).token();
		CPPUNIT_ASSERT(shared.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(token, tokenOf(shared));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
	}

	void testServerDownAtStart()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		_redis->kill();
		expectFallback(config, "Redis store " + _redis->url(), std::chrono::seconds(5));
	}

	void testWrongPassword()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.tokenCache.redisPassword = "not-the-password";
		expectFallback(config, "refused AUTH", std::chrono::seconds(5));
		config.tokenCache.redisPassword.clear();
		expectFallback(config, "NOAUTH", std::chrono::seconds(5));
	}

	/// A process that took the lock and died: the others wait out the lock's life, then mint
	/// themselves, and share that token.
	void testCrashedLockHolderBlocksOnlyForTheLockTtl()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.tokenCache.lockTtl = std::chrono::milliseconds(600);
		const EntrySeal seal(config.effectiveBaseUrl(), config.clientId, config.memberCid, config.clientSecret);
		CPPUNIT_ASSERT(
			_redis->command({"SET", KEY_PREFIX + seal.name() + ":lock", "a-crashed-holder", "NX", "PX", "600"})
				.is("OK"));
		const auto start = Clock::now();
		std::vector<std::string> tokens(4);
		std::vector<std::thread> processes;
		for (auto& token : tokens) processes.emplace_back([&] { token = tokenOf(OAuth2Client(config).token()); });
		for (auto& process : processes) process.join();
		const auto took = Clock::now() - start;
		CPPUNIT_ASSERT(took >= std::chrono::milliseconds(500));
		CPPUNIT_ASSERT(took < std::chrono::seconds(5));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
		for (const auto& token : tokens) CPPUNIT_ASSERT_EQUAL(tokens.front(), token);
	}

	void testSlowServerWithinTimeout()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.tokenCache.storeTimeout = std::chrono::milliseconds(2000);
		const std::string token = tokenOf(OAuth2Client(config).token());
		std::thread sleeper([this] { _redis->command({"DEBUG", "SLEEP", "0.3"}); });
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		const TokenResult shared = OAuth2Client(config).token();
		sleeper.join();
		CPPUNIT_ASSERT(shared.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(token, tokenOf(shared));
	}

	/// A server that stalls past the store's timeout costs the call that timeout once, not its
	/// deadline: the call goes on without the store.
	void testSlowServerBeyondTimeout()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.tokenCache.storeTimeout = std::chrono::milliseconds(200);
		config.callTimeout = std::chrono::seconds(10);
		std::thread sleeper([this] { _redis->command({"DEBUG", "SLEEP", "1.5"}); });
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		expectFallback(config, "did not answer within 200 ms", std::chrono::milliseconds(1200));
		sleeper.join();
	}

	/// A session keeps its connection; the server restarts (empty) under it: the next call
	/// reconnects and carries on, with no warning and no failed call.
	void testRestartMidRun()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		RecordedLogger log("test.redis-store.restart");
		OAuth2Client client(config, log.logger());
		const std::string token = tokenOf(client.token());
		_redis->kill();
		_redis->start();
		RevokeOptions revoke;
		revoke.token = token;
		CPPUNIT_ASSERT(client.revoke(revoke).ok());
		CPPUNIT_ASSERT(client.token().ok());
		CPPUNIT_ASSERT_MESSAGE(log.text(), !log.says("goes on without it"));
		const TokenResult shared = OAuth2Client(config).token();
		CPPUNIT_ASSERT(shared.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requestCount("/oauth2/token"));
	}

	/// The store's address turns out to be a replica (a failover in progress, a primary demoted):
	/// it refuses writes (-READONLY), and each call mints on its own within its deadline. Once
	/// the replica is promoted (REPLICAOF NO ONE) the next mint is shared again, by itself.
	void testFailoverOfAReplica()
	{
		RedisServer primary(RedisServer::Options{REDIS_PASSWORD, false, {}});
		CPPUNIT_ASSERT(_redis->command({"CONFIG", "SET", "masterauth", REDIS_PASSWORD}).is("OK"));
		CPPUNIT_ASSERT(_redis->command({"REPLICAOF", "127.0.0.1", std::to_string(primary.port())}).is("OK"));
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const ClientConfig config = sharedConfig(server);
		const ApiResult minted = expectFallback(config, "READONLY", std::chrono::seconds(3));
		CPPUNIT_ASSERT(minted.ok());

		CPPUNIT_ASSERT(_redis->command({"REPLICAOF", "NO", "ONE"}).is("OK"));
		RecordedLogger log("test.redis-store.promoted");
		const TokenResult first = OAuth2Client(config, log.logger()).token();
		const TokenResult shared = OAuth2Client(config, log.logger()).token();
		CPPUNIT_ASSERT_MESSAGE(log.text(), first.ok() && !first.fromSharedStore && shared.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(tokenOf(first), tokenOf(shared));
		CPPUNIT_ASSERT_MESSAGE(log.text(), !log.says("goes on without it"));
	}

	/// A server restarted with persistence answers -LOADING while it reads its dataset back: a
	/// call meanwhile goes on without it, and says why.
	void testServerStillLoading()
	{
		ImpostorServer loading("-LOADING Redis is loading the dataset in memory\r\n");
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.tokenCache.redisUrl = "redis://127.0.0.1:" + std::to_string(loading.port()) + "/0";
		config.tokenCache.redisPassword.clear();
		expectFallback(config, "LOADING Redis is loading the dataset", std::chrono::seconds(3));
	}

	/// A value of another type at the entry's key (another application's list): a miss, said
	/// once, that the next token replaces.
	void testEntryOfAnotherTypeIsReplaced()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const ClientConfig config = sharedConfig(server);
		CPPUNIT_ASSERT(OAuth2Client(config).token().ok());
		const std::string key = entryKey();
		_redis->command({"DEL", key});
		_redis->command({"RPUSH", key, "not", "an", "entry"});
		RecordedLogger log("test.redis-store.wrongtype");
		const TokenResult minted = OAuth2Client(config, log.logger()).token();
		CPPUNIT_ASSERT(minted.ok() && !minted.fromSharedStore);
		CPPUNIT_ASSERT_MESSAGE(log.text(), log.says("holds another kind of value; the next token replaces it"));
		CPPUNIT_ASSERT_MESSAGE(log.text(), !log.says("goes on without it"));
		const TokenResult shared = OAuth2Client(config).token();
		CPPUNIT_ASSERT(shared.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(tokenOf(minted), tokenOf(shared));
	}

	/// Something that is not Redis (or a Redis gone wrong) at the store's address: replies that
	/// announce huge values, never end a line, come as arrays or trickle end in the fallback
	/// within the store's timeout.
	void testHostileRepliesAreBounded()
	{
		const std::vector<std::pair<std::string, std::string>> cases{
			{"$2000000000\r\n", "announced a value of 2000000000 bytes"},
			{std::string(8192, 'x'), "longer than any reply line"}, {"*3\r\n", "with an array"}, {"?\r\n", "not RESP"},
			{"+OK", "did not answer within 300 ms"},
			// An error reply's bytes reach the warning escaped: no terminal control from a peer.
			{"-ERR \x1b[2J\x1b]0;pwned\x07\r\n", "refused GET: ERR \\x1B[2J\\x1B]0;pwned\\x07"}};
		for (const auto& hostile : cases)
		{
			ImpostorServer impostor(hostile.first);
			ScriptedServer server(falconLike(), &loopbackCertificate());
			ClientConfig config = sharedConfig(server);
			config.tokenCache.redisUrl = "redis://127.0.0.1:" + std::to_string(impostor.port()) + "/0";
			config.tokenCache.redisPassword.clear();
			config.tokenCache.storeTimeout = std::chrono::milliseconds(300);
			expectFallback(config, hostile.second, std::chrono::seconds(3));
		}
	}
};

FALCON_REGISTER_SUITE(RedisStoreTest);
