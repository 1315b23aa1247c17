#pragma once

#include "ChildProcess.h"
#include "ClientTestKit.h"

#include "falcon/oauth2/store/EntrySeal.h"
#include "falcon/oauth2/OAuth2Client.h"
#include "falcon/oauth2/Wire.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>

#include <cppunit/extensions/HelperMacros.h>

#include <mutex>
#include <thread>

namespace Falcon {
namespace Testing {

/// Keeps what a logger says.
class RecordingChannel: public Poco::Channel
{
public:
	void log(const Poco::Message& message) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_text += message.getText() + "\n";
	}

	std::string text() const
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _text;
	}

private:
	mutable std::mutex _mutex;
	std::string _text;
};

/// A logger whose lines the test reads; detached when it goes.
class RecordedLogger
{
public:
	explicit RecordedLogger(const std::string& name): _logger(Poco::Logger::get(name)), _channel(new RecordingChannel)
	{
		_logger.setChannel(_channel);
	}
	~RecordedLogger() { _logger.setChannel(nullptr); }
	Poco::Logger& logger() { return _logger; }
	std::string text() const { return _channel->text(); }
	bool says(const std::string& words) const { return text().find(words) != std::string::npos; }

private:
	Poco::Logger& _logger;
	Poco::AutoPtr<RecordingChannel> _channel;
};

inline std::string tokenOf(const OAuth2::ApiResult& result)
{
	return result.issued ? result.issued->accessToken : std::string();
}

/// What every shared store promises, whatever keeps the entries. Sessions stand for processes:
/// each is a client of its own, with its own memory, that finds the others' tokens (and
/// lessons) in the store. A store's suite derives from this and says how to reach its entries.
class SharedStoreContract: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SharedStoreContract);
	CPPUNIT_TEST(testSessionsShareOneToken);
	CPPUNIT_TEST(testForcedTokenIsTheCallersOwn);
	CPPUNIT_TEST(testRevokeRemovesTheEntry);
	CPPUNIT_TEST(testRevokeThroughAnotherSessionForgetsEverywhere);
	CPPUNIT_TEST(testRevokeInAnotherProcessReachesALongLivedOne);
	CPPUNIT_TEST(testCooldownIsShared);
	CPPUNIT_TEST(testCooldownDoesNotHideAFreshToken);
	CPPUNIT_TEST(testAbsurdCooldownIsNotKept);
	CPPUNIT_TEST(testSlowTokenRouteIsAskedOnce);
	CPPUNIT_TEST(testCancellationEndsALockWait);
	CPPUNIT_TEST(testRegionIsShared);
	CPPUNIT_TEST(testRotatedSecretNeverGetsTheOldToken);
	CPPUNIT_TEST(testTamperedEntryIsMintedAgain);
	CPPUNIT_TEST(testEntryIsFreshAsLongAsInMemory);
	CPPUNIT_TEST_SUITE_END_ABSTRACT();

protected:
	/// `config` (made for a scripted server) pointed at the store under test.
	virtual void useStore(OAuth2::ClientConfig& config) = 0;
	/// The store's whole contents (names and bytes), as a grep of it would see them.
	virtual std::string contents() = 0;
	/// The one entry's bytes ("" when there is none), and a way to put others in their place.
	virtual std::string entryBytes() = 0;
	virtual void replaceEntry(const std::string& bytes) = 0;
	/// The options and environment that point falcon-host at the store under test.
	virtual std::vector<std::string> storeOptions() = 0;
	virtual Poco::Process::Env storeEnvironment() = 0;

	OAuth2::ClientConfig sharedConfig(const ScriptedServer& server)
	{
		OAuth2::ClientConfig config = configFor(server);
		useStore(config);
		return config;
	}

public:
	void testSessionsShareOneToken()
	{
		using namespace OAuth2;
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client first(sharedConfig(server));
		const TokenResult minted = first.token();
		CPPUNIT_ASSERT(minted.ok() && !minted.fromSharedStore);
		OAuth2Client second(sharedConfig(server));
		const TokenResult shared = second.token();
		CPPUNIT_ASSERT(shared.ok());
		CPPUNIT_ASSERT(shared.fromSharedStore && shared.fromCache);
		CPPUNIT_ASSERT_EQUAL(tokenOf(minted), tokenOf(shared));
		CPPUNIT_ASSERT(shared.issued->expiresIn > std::chrono::seconds(1700));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
		// The store holds it sealed: neither the token nor the client's names are in it.
		const std::string all = contents();
		CPPUNIT_ASSERT(!entryBytes().empty());
		CPPUNIT_ASSERT(all.find(tokenOf(minted)) == std::string::npos);
		CPPUNIT_ASSERT(all.find(TEST_CLIENT_SECRET) == std::string::npos);
		CPPUNIT_ASSERT(all.find(TEST_CLIENT_ID) == std::string::npos);
	}

	/// A forced token is its caller's own (the lifecycle workflow forces, uses and revokes it):
	/// the others keep the token they share, and the revoke of the forced one leaves it alone.
	void testForcedTokenIsTheCallersOwn()
	{
		using namespace OAuth2;
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client worker(sharedConfig(server));
		const std::string shared = tokenOf(worker.token());
		OAuth2Client lifecycle(sharedConfig(server));
		const std::string forced = tokenOf(lifecycle.token(TokenOptions::forced()));
		CPPUNIT_ASSERT(!forced.empty() && forced != shared);
		CPPUNIT_ASSERT_EQUAL(shared, tokenOf(OAuth2Client(sharedConfig(server)).token()));
		RevokeOptions revoke;
		revoke.token = forced;
		CPPUNIT_ASSERT(lifecycle.revoke(revoke).ok());
		CPPUNIT_ASSERT_EQUAL(shared, tokenOf(worker.token()));
		CPPUNIT_ASSERT_EQUAL(shared, tokenOf(OAuth2Client(sharedConfig(server)).token()));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requestCount("/oauth2/token"));
	}

	void testRevokeRemovesTheEntry()
	{
		using namespace OAuth2;
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client first(sharedConfig(server));
		const std::string token = tokenOf(first.token());
		RevokeOptions revoke;
		revoke.token = token;
		CPPUNIT_ASSERT(OAuth2Client(sharedConfig(server)).revoke(revoke).ok());
		CPPUNIT_ASSERT(entryBytes().empty());
		const TokenResult next = OAuth2Client(sharedConfig(server)).token();
		CPPUNIT_ASSERT(!next.fromSharedStore);
		CPPUNIT_ASSERT(tokenOf(next) != token);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), server.requests().size());
		// Revoking a token the entry does not hold leaves the entry alone.
		revoke.token = "not-the-shared-token";
		CPPUNIT_ASSERT(OAuth2Client(sharedConfig(server)).revoke(revoke).ok());
		CPPUNIT_ASSERT_EQUAL(tokenOf(next), tokenOf(OAuth2Client(sharedConfig(server)).token()));
	}

	void testCooldownIsShared()
	{
		using namespace OAuth2;
		ScriptedServer server(
			[](const RecordedRequest&) {
				return metaReply(429, "API rate limit exceeded.",
					{{"X-Ratelimit-Retryafter", std::to_string(std::time(nullptr) + 30)}});
			},
			&loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.maxRetries = 0;
		OAuth2Client first(config);
		CPPUNIT_ASSERT_EQUAL(std::string("rate_limited"), std::string(toString(first.token().error->kind)));
		// Another process knows to wait, without asking.
		const TokenResult waiting = OAuth2Client(config).token();
		CPPUNIT_ASSERT_EQUAL(429, waiting.statusCode);
		CPPUNIT_ASSERT_EQUAL(std::string("rate_limited"), std::string(toString(waiting.error->kind)));
		CPPUNIT_ASSERT(*waiting.error->retryAfterSeconds > 20 && *waiting.error->retryAfterSeconds <= 31);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
	}

	/// A token minted for a member CID, revoked through the parent's session (or any other): no
	/// session and no store hands it out again.
	void testRevokeThroughAnotherSessionForgetsEverywhere()
	{
		using namespace OAuth2;
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig member = sharedConfig(server);
		member.memberCid = "0123456789abcdef0123456789abcdef";
		OAuth2Client child(member);
		const std::string token = tokenOf(child.token());
		CPPUNIT_ASSERT(!entryBytes().empty());
		OAuth2Client parent(sharedConfig(server));
		RevokeOptions revoke;
		revoke.token = token;
		CPPUNIT_ASSERT(parent.revoke(revoke).ok());
		const TokenResult again = child.token();
		CPPUNIT_ASSERT(again.ok() && !again.fromCache);
		CPPUNIT_ASSERT(tokenOf(again) != token);
		const TokenResult another = OAuth2Client(member).token();
		CPPUNIT_ASSERT_EQUAL(tokenOf(again), tokenOf(another));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requestCount("/oauth2/token"));
	}

	/// A long-lived process (an engine's worker) keeps a token in memory; another process (a CLI
	/// run) revokes it: the worker stops serving it within MemoryTokens::STORE_CHECK_INTERVAL.
	void testRevokeInAnotherProcessReachesALongLivedOne()
	{
		using namespace OAuth2;
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const ClientConfig config = sharedConfig(server);
		OAuth2Client worker(config);
		const std::string token = tokenOf(worker.token());
		CPPUNIT_ASSERT(worker.token().fromCache);
		Poco::Process::Env env = storeEnvironment();
		env["FALCON_CLIENT_ID"] = config.clientId;
		env["FALCON_CLIENT_SECRET"] = config.clientSecret;
		env["FALCON_BASE_URL"] = config.baseUrl;
		env["FALCON_CA_BUNDLE"] = config.caBundle;
		std::vector<std::string> arguments = storeOptions();
		arguments.insert(arguments.end(), {"run", "revoke", "--input", "{\"token\": \"" + token + "\"}"});
		const Finished revoke = runProgram(FALCON_HOST_BINARY, arguments, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(revoke.label(), 0, revoke.status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requestCount("/oauth2/revoke"));
		const auto revokedAt = Clock::now();
		std::string served = token;
		while (
			served == token && Clock::now() - revokedAt < MemoryTokens::STORE_CHECK_INTERVAL + std::chrono::seconds(2))
		{
			served = tokenOf(worker.token());
			std::this_thread::sleep_for(std::chrono::milliseconds(20));
		}
		CPPUNIT_ASSERT(!served.empty() && served != token);
		CPPUNIT_ASSERT(Clock::now() - revokedAt <= MemoryTokens::STORE_CHECK_INTERVAL + std::chrono::milliseconds(500));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requestCount("/oauth2/token"));
	}

	/// A cooldown stops new mints, not the fresh token in the entry: after one session's forced
	/// mint gets a 429, the others are still served.
	void testCooldownDoesNotHideAFreshToken()
	{
		using namespace OAuth2;
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.maxRetries = 0;
		const std::string token = tokenOf(OAuth2Client(config).token());
		server.setHandler([](const RecordedRequest&) {
			return metaReply(429, "API rate limit exceeded.", {{"X-Ratelimit-Retryafter", "30"}});
		});
		const TokenResult refused = OAuth2Client(config).token(TokenOptions::forced());
		CPPUNIT_ASSERT_EQUAL(429, refused.statusCode);
		const TokenResult served = OAuth2Client(config).token();
		CPPUNIT_ASSERT_MESSAGE(served.body, served.ok() && served.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(token, tokenOf(served));
		// Forced mints still wait out the cooldown, without asking.
		const TokenResult forced = OAuth2Client(config).token(TokenOptions::forced());
		CPPUNIT_ASSERT_EQUAL(429, forced.statusCode);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requestCount("/oauth2/token"));
	}

	/// A rate limit header naming decades is not believed; a long but credible one is kept for
	/// RetryPolicy::MAX_COOLDOWN at most, in memory and in the store.
	void testAbsurdCooldownIsNotKept()
	{
		using namespace OAuth2;
		std::string retryAfter = "999999999";
		ScriptedServer server(
			[&](const RecordedRequest&) {
				return metaReply(429, "API rate limit exceeded.", {{"X-Ratelimit-Retryafter", retryAfter}});
			},
			&loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.maxRetries = 0;
		CPPUNIT_ASSERT_EQUAL(429, OAuth2Client(config).token().statusCode);
		CPPUNIT_ASSERT_EQUAL(429, OAuth2Client(config).token().statusCode);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requestCount("/oauth2/token"));
		retryAfter = std::to_string(std::time(nullptr) + 50 * 60);
		OAuth2Client first(config);
		CPPUNIT_ASSERT_EQUAL(429, first.token().statusCode);
		const double maxSeconds = std::chrono::duration<double>(RetryPolicy::MAX_COOLDOWN).count();
		const TokenResult remembered = first.token();
		CPPUNIT_ASSERT(remembered.error->retryAfterSeconds && *remembered.error->retryAfterSeconds <= maxSeconds);
		const TokenResult shared = OAuth2Client(config).token();
		CPPUNIT_ASSERT(shared.error->retryAfterSeconds && *shared.error->retryAfterSeconds <= maxSeconds);
		CPPUNIT_ASSERT(*shared.error->retryAfterSeconds > maxSeconds - 30);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), server.requestCount("/oauth2/token"));
	}

	/// A token route slower than a Redis lock's life: the waiters wait for the holder's token
	/// (the holder extends its lock) instead of minting their own.
	void testSlowTokenRouteIsAskedOnce()
	{
		using namespace OAuth2;
		ScriptedServer server(
			[](const RecordedRequest& request) {
				if (Poco::endsWith(request.target, std::string("/oauth2/token")))
					std::this_thread::sleep_for(std::chrono::milliseconds(1200));
				return falconLike()(request);
			},
			&loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.tokenCache.lockTtl = std::chrono::milliseconds(300);
		std::vector<std::string> tokens(5);
		std::vector<std::thread> processes;
		for (auto& token : tokens) processes.emplace_back([&] { token = tokenOf(OAuth2Client(config).token()); });
		for (auto& process : processes) process.join();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requestCount("/oauth2/token"));
		for (const auto& token : tokens) CPPUNIT_ASSERT_EQUAL(tokens.front(), token);
	}

	/// A call waiting for another process's lock ends when its host cancels it, not when the
	/// lock comes.
	void testCancellationEndsALockWait()
	{
		using namespace OAuth2;
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		const EntrySeal seal(config.effectiveBaseUrl(), config.clientId, config.memberCid, config.clientSecret);
		const auto store = config.tokenCache.open(OAuth2::wire().redis);
		const auto held = store->lock(seal.name(), CallBounds{Clock::now() + std::chrono::seconds(5)});
		CPPUNIT_ASSERT(held);
		Cancellation cancellation;
		std::thread canceller([&] {
			std::this_thread::sleep_for(std::chrono::milliseconds(200));
			cancellation.cancel();
		});
		TokenOptions options;
		options.cancellation = &cancellation;
		const auto started = Clock::now();
		const TokenResult result = OAuth2Client(config).token(options);
		const auto took = Clock::now() - started;
		canceller.join();
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), std::string(toString(result.error->kind)));
		CPPUNIT_ASSERT_MESSAGE(std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()),
			took < std::chrono::seconds(1));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), server.requestCount("/oauth2/token"));
	}

	/// The cloud one process was sent to (a 308, X-Cs-Region) is where the next process goes
	/// first, even for a forced mint.
	void testRegionIsShared()
	{
		using namespace OAuth2;
		TwoClouds clouds;
		ClientConfig config = clouds.config();
		useStore(config);
		CPPUNIT_ASSERT(OAuth2Client(config).token().ok());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), clouds.us1.requests().size());
		const TokenResult forced = OAuth2Client(config).token(TokenOptions::forced());
		CPPUNIT_ASSERT(forced.ok() && !forced.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), clouds.us1.requests().size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), clouds.us2.requests().size());
	}

	void testRotatedSecretNeverGetsTheOldToken()
	{
		using namespace OAuth2;
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const std::string old = tokenOf(OAuth2Client(sharedConfig(server)).token());
		ClientConfig rotated = sharedConfig(server);
		rotated.clientSecret = "a-rotated/secret+value";
		const TokenResult fresh = OAuth2Client(rotated).token();
		CPPUNIT_ASSERT(!fresh.fromSharedStore);
		CPPUNIT_ASSERT(tokenOf(fresh) != old);
		CPPUNIT_ASSERT_EQUAL(old, tokenOf(OAuth2Client(sharedConfig(server)).token()));
		CPPUNIT_ASSERT_EQUAL(tokenOf(fresh), tokenOf(OAuth2Client(rotated).token()));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requests().size());
	}

	/// Flipped, cut short or sealed under another key: a miss, minted again, never an error.
	void testTamperedEntryIsMintedAgain()
	{
		using namespace OAuth2;
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const std::string old = tokenOf(OAuth2Client(sharedConfig(server)).token());
		std::string bytes = entryBytes();
		bytes[40] = static_cast<char>(bytes[40] ^ 0x5a);
		replaceEntry(bytes);
		const TokenResult next = OAuth2Client(sharedConfig(server)).token();
		CPPUNIT_ASSERT(next.ok() && !next.fromSharedStore);
		CPPUNIT_ASSERT(tokenOf(next) != old);
		replaceEntry(entryBytes().substr(0, 10));
		CPPUNIT_ASSERT(!OAuth2Client(sharedConfig(server)).token().fromSharedStore);
		// An entry sealed for the rotated secret, put where this secret's entry belongs.
		ClientConfig rotated = sharedConfig(server);
		rotated.clientSecret = "another-secret";
		const EntrySeal foreign(rotated.effectiveBaseUrl(), rotated.clientId, rotated.memberCid, rotated.clientSecret);
		SharedEntry entry;
		entry.accessToken = "foreign-token";
		entry.expiresAt = SharedEntry::WallClock::now() + std::chrono::minutes(20);
		replaceEntry(foreign.seal(entry));
		const TokenResult third = OAuth2Client(sharedConfig(server)).token();
		CPPUNIT_ASSERT(!third.fromSharedStore && tokenOf(third) != "foreign-token");
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), server.requests().size());
	}

	/// A shared token is renewed when the memory cache would renew it: once no more than the
	/// renewal window is left, to the fraction of a second, not a second early.
	void testEntryIsFreshAsLongAsInMemory()
	{
		using namespace OAuth2;
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const ClientConfig config = sharedConfig(server);
		const EntrySeal seal(config.effectiveBaseUrl(), config.clientId, config.memberCid, config.clientSecret);
		OAuth2Client(sharedConfig(server)).token(); // makes the entry, which is then replaced
		SharedEntry entry;
		entry.accessToken = "shared-token-with-120.7-s-left";
		entry.baseUrl = config.effectiveBaseUrl();
		// Timed after the mint: a slow one (a sanitized build) must not eat the 0.7 s margin.
		entry.expiresAt = SharedEntry::WallClock::now() + config.renewalWindow + std::chrono::milliseconds(700);
		replaceEntry(seal.seal(entry));
		const TokenResult served = OAuth2Client(sharedConfig(server)).token();
		CPPUNIT_ASSERT(served.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(entry.accessToken, tokenOf(served));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
	}
};

}
} // namespace Falcon::Testing
