#pragma once

#include "ClientTestKit.h"

#include "falcon/oauth2/OAuth2Client.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>

#include <cppunit/extensions/HelperMacros.h>

#include <mutex>

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
	explicit RecordedLogger(const std::string& name):
		_logger(Poco::Logger::get(name)), _channel(new RecordingChannel)
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
	CPPUNIT_TEST(testForceReplacesTheEntry);
	CPPUNIT_TEST(testRevokeRemovesTheEntry);
	CPPUNIT_TEST(testCooldownIsShared);
	CPPUNIT_TEST(testRegionIsShared);
	CPPUNIT_TEST(testRotatedSecretNeverGetsTheOldToken);
	CPPUNIT_TEST(testTamperedEntryIsMintedAgain);
	CPPUNIT_TEST_SUITE_END_ABSTRACT();

protected:
	/// `config` (made for a scripted server) pointed at the store under test.
	virtual void useStore(OAuth2::ClientConfig& config) = 0;
	/// The store's whole contents (names and bytes), as a grep of it would see them.
	virtual std::string contents() = 0;
	/// The one entry's bytes ("" when there is none), and a way to put others in their place.
	virtual std::string entryBytes() = 0;
	virtual void replaceEntry(const std::string& bytes) = 0;

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
		const ApiResult minted = first.token();
		CPPUNIT_ASSERT(minted.ok() && !minted.fromSharedStore);
		OAuth2Client second(sharedConfig(server));
		const ApiResult shared = second.token();
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

	void testForceReplacesTheEntry()
	{
		using namespace OAuth2;
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client first(sharedConfig(server));
		const std::string old = tokenOf(first.token());
		OAuth2Client second(sharedConfig(server));
		const std::string forced = tokenOf(second.token(TokenOptions::forced()));
		CPPUNIT_ASSERT(old != forced);
		CPPUNIT_ASSERT_EQUAL(forced, tokenOf(OAuth2Client(sharedConfig(server)).token()));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requests().size());
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
		const ApiResult next = OAuth2Client(sharedConfig(server)).token();
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
		ScriptedServer server([](const RecordedRequest&) {
			return metaReply(429, "API rate limit exceeded.", {{"X-Ratelimit-Retryafter", std::to_string(std::time(nullptr) + 30)}});
		},
			&loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.maxRetries = 0;
		OAuth2Client first(config);
		CPPUNIT_ASSERT_EQUAL(std::string("rate_limited"), std::string(toString(first.token().error->kind)));
		// Another process knows to wait, without asking.
		const ApiResult waiting = OAuth2Client(config).token();
		CPPUNIT_ASSERT_EQUAL(429, waiting.statusCode);
		CPPUNIT_ASSERT_EQUAL(std::string("rate_limited"), std::string(toString(waiting.error->kind)));
		CPPUNIT_ASSERT(*waiting.error->retryAfterSeconds > 20 && *waiting.error->retryAfterSeconds <= 31);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
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
		const ApiResult forced = OAuth2Client(config).token(TokenOptions::forced());
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
		const ApiResult fresh = OAuth2Client(rotated).token();
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
		const ApiResult next = OAuth2Client(sharedConfig(server)).token();
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
		const ApiResult third = OAuth2Client(sharedConfig(server)).token();
		CPPUNIT_ASSERT(!third.fromSharedStore && tokenOf(third) != "foreign-token");
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), server.requests().size());
	}
};

}} // namespace Falcon::Testing
