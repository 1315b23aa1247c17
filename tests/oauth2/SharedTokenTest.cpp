#include "ClientTestKit.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/EntrySeal.h"
#include "falcon/oauth2/FileTokenStore.h"
#include "falcon/oauth2/OAuth2Client.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>

#include <mutex>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;

namespace {

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

std::string tokenOf(const ApiResult& result)
{
	return result.issued ? result.issued->accessToken : std::string();
}

} // namespace

/// Sessions that share a file store stand for processes: each is a client of its own, with its
/// own memory, that finds the others' tokens (and lessons) in the store.
class SharedTokenTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SharedTokenTest);
	CPPUNIT_TEST(testSessionsShareOneToken);
	CPPUNIT_TEST(testForceReplacesTheEntry);
	CPPUNIT_TEST(testRevokeRemovesTheEntry);
	CPPUNIT_TEST(testCooldownIsShared);
	CPPUNIT_TEST(testRotatedSecretNeverGetsTheOldToken);
	CPPUNIT_TEST(testTamperedEntryIsMintedAgain);
	CPPUNIT_TEST(testUnsafeStoreFallsBackToMemory);
	CPPUNIT_TEST(testStuckLockHolderDelaysNobodyPastTheWait);
	CPPUNIT_TEST_SUITE_END();

	std::string _directory;

	ClientConfig sharedConfig(const ScriptedServer& server) const
	{
		ClientConfig config = configFor(server);
		config.tokenCache.store = TokenCacheSettings::Store::File;
		config.tokenCache.directory = _directory;
		return config;
	}

	std::string entryFile() const
	{
		for (Poco::DirectoryIterator it(_directory), end; it != end; ++it)
		{
			if (Poco::endsWith(it.name(), std::string(".entry"))) return it->path();
		}
		return {};
	}

public:
	void setUp() override
	{
		_directory = testDirectory() + "/shared-tokens";
		if (Poco::File(_directory).exists()) Poco::File(_directory).remove(true);
	}

	void testSessionsShareOneToken()
	{
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
		// The store holds it sealed: neither the token nor the secret is in any file.
		Poco::FileInputStream in(entryFile());
		std::string bytes;
		Poco::StreamCopier::copyToString(in, bytes);
		CPPUNIT_ASSERT(bytes.find(tokenOf(minted)) == std::string::npos);
		CPPUNIT_ASSERT(bytes.find(TEST_CLIENT_SECRET) == std::string::npos);
	}

	void testForceReplacesTheEntry()
	{
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
		ScriptedServer server(falconLike(), &loopbackCertificate());
		OAuth2Client first(sharedConfig(server));
		const std::string token = tokenOf(first.token());
		RevokeOptions revoke;
		revoke.token = token;
		CPPUNIT_ASSERT(OAuth2Client(sharedConfig(server)).revoke(revoke).ok());
		CPPUNIT_ASSERT(entryFile().empty());
		const ApiResult next = OAuth2Client(sharedConfig(server)).token();
		CPPUNIT_ASSERT(!next.fromSharedStore);
		CPPUNIT_ASSERT(tokenOf(next) != token);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), server.requests().size());
	}

	void testCooldownIsShared()
	{
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

	void testRotatedSecretNeverGetsTheOldToken()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const std::string old = tokenOf(OAuth2Client(sharedConfig(server)).token());
		ClientConfig rotated = sharedConfig(server);
		rotated.clientSecret = "a-rotated/secret+value";
		const ApiResult fresh = OAuth2Client(rotated).token();
		CPPUNIT_ASSERT(!fresh.fromSharedStore);
		CPPUNIT_ASSERT(tokenOf(fresh) != old);
		CPPUNIT_ASSERT_EQUAL(old, tokenOf(OAuth2Client(sharedConfig(server)).token()));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requests().size());
	}

	void testTamperedEntryIsMintedAgain()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const std::string old = tokenOf(OAuth2Client(sharedConfig(server)).token());
		{
			std::fstream file(entryFile(), std::ios::in | std::ios::out | std::ios::binary);
			file.seekp(40);
			file.put('\x5a');
		}
		const ApiResult next = OAuth2Client(sharedConfig(server)).token();
		CPPUNIT_ASSERT(next.ok() && !next.fromSharedStore);
		CPPUNIT_ASSERT(tokenOf(next) != old);
		// Truncated: the same.
		::truncate(entryFile().c_str(), 10);
		CPPUNIT_ASSERT(!OAuth2Client(sharedConfig(server)).token().fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), server.requests().size());
	}

	void testUnsafeStoreFallsBackToMemory()
	{
		Poco::File(_directory).createDirectories();
		::chmod(_directory.c_str(), 0755);
		ScriptedServer server(falconLike(), &loopbackCertificate());
		Poco::Logger& logger = Poco::Logger::get("test.shared-tokens");
		Poco::AutoPtr<RecordingChannel> channel(new RecordingChannel);
		logger.setChannel(channel);
		OAuth2Client client(sharedConfig(server), logger);
		const ApiResult result = client.token();
		CPPUNIT_ASSERT(result.ok());
		CPPUNIT_ASSERT(client.token().fromCache); // this process's memory still serves it
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
		CPPUNIT_ASSERT_MESSAGE(channel->text(), channel->text().find("open to group or others") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(channel->text(), channel->text().find("goes on without it") != std::string::npos);
		CPPUNIT_ASSERT(channel->text().find(tokenOf(result)) == std::string::npos);
		CPPUNIT_ASSERT(entryFile().empty());
		logger.setChannel(nullptr);
	}

	/// A process that holds the entry's lock and never lets go (stopped in a debugger, hung): the
	/// others wait `lockWait`, then mint on their own, and say so.
	void testStuckLockHolderDelaysNobodyPastTheWait()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.tokenCache.lockWait = std::chrono::milliseconds(300);
		const EntrySeal seal(config.effectiveBaseUrl(), config.clientId, config.memberCid, config.clientSecret);
		FileTokenStore holder(_directory);
		const auto stuck = holder.lock(seal.name(), Clock::now() + std::chrono::seconds(2));
		CPPUNIT_ASSERT(stuck);
		Poco::Logger& logger = Poco::Logger::get("test.shared-tokens.stuck");
		Poco::AutoPtr<RecordingChannel> channel(new RecordingChannel);
		logger.setChannel(channel);
		const ApiResult result = OAuth2Client(config, logger).token();
		CPPUNIT_ASSERT(result.ok() && !result.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
		CPPUNIT_ASSERT_MESSAGE(channel->text(), channel->text().find("did not come in time; minting without it") != std::string::npos);
		logger.setChannel(nullptr);
	}
};

FALCON_REGISTER_SUITE(SharedTokenTest);
