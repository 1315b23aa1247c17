#include "SharedStoreContract.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/EntrySeal.h"
#include "falcon/oauth2/FileTokenStore.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;

namespace {

std::string contentsOf(const std::string& path)
{
	Poco::FileInputStream in(path);
	std::string bytes;
	Poco::StreamCopier::copyToString(in, bytes);
	return bytes;
}

} // namespace

/// The embedded store: a private directory of sealed files.
class FileStoreTest: public SharedStoreContract
{
	CPPUNIT_TEST_SUB_SUITE(FileStoreTest, SharedStoreContract);
	CPPUNIT_TEST(testEntryExpiresWithItsFile);
	CPPUNIT_TEST(testUnsafeStoreFallsBackToMemory);
	CPPUNIT_TEST(testSymlinksAreRefused);
	CPPUNIT_TEST(testAnotherUsersDirectoryIsRefused);
	CPPUNIT_TEST(testUnusableDirectoryFallsBackToMemory);
	CPPUNIT_TEST(testStuckLockHolderDelaysNobodyPastTheWait);
	CPPUNIT_TEST_SUITE_END();

	std::string _directory;

	std::string entryFile() const
	{
		if (!Poco::File(_directory).exists()) return {};
		for (Poco::DirectoryIterator it(_directory), end; it != end; ++it)
		{
			if (Poco::endsWith(it.name(), std::string(".entry"))) return it->path();
		}
		return {};
	}

protected:
	void useStore(ClientConfig& config) override
	{
		config.tokenCache.store = TokenCacheSettings::Store::File;
		config.tokenCache.directory = _directory;
	}

	std::string contents() override
	{
		std::string all;
		for (Poco::DirectoryIterator it(_directory), end; it != end; ++it) all += it.name() + "\n" + contentsOf(it->path()) + "\n";
		return all;
	}

	std::string entryBytes() override
	{
		const std::string path = entryFile();
		return path.empty() ? std::string() : contentsOf(path);
	}

	void replaceEntry(const std::string& bytes) override
	{
		Poco::FileOutputStream out(entryFile(), std::ios::binary | std::ios::trunc);
		out << bytes;
	}

	/// A call to `server` with the store at `directory` mints, is served from memory next, and
	/// logs why the store was left out: `why`, and never the token.
	void expectFallback(const ScriptedServer& server, const std::string& directory, const std::string& why)
	{
		const std::size_t before = server.requests().size();
		ClientConfig config = sharedConfig(server);
		config.tokenCache.directory = directory;
		RecordedLogger log("test.file-store.fallback");
		OAuth2Client client(config, log.logger());
		const ApiResult result = client.token();
		CPPUNIT_ASSERT(result.ok() && !result.fromSharedStore);
		CPPUNIT_ASSERT(client.token().fromCache); // this process's memory still serves it
		CPPUNIT_ASSERT_EQUAL(before + 1, server.requests().size());
		CPPUNIT_ASSERT_MESSAGE(log.text(), log.says(why));
		CPPUNIT_ASSERT_MESSAGE(log.text(), log.says("goes on without it"));
		CPPUNIT_ASSERT(!log.says(tokenOf(result)));
		CPPUNIT_ASSERT(!log.says(TEST_CLIENT_SECRET));
	}

public:
	void setUp() override
	{
		_directory = testDirectory() + "/shared-tokens";
		if (Poco::File(_directory).exists()) Poco::File(_directory).remove(true);
	}

	/// The entry file's modification time is the token's expiry; past it, the entry is none.
	void testEntryExpiresWithItsFile()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		const std::string token = tokenOf(OAuth2Client(sharedConfig(server)).token());
		struct stat info = {};
		CPPUNIT_ASSERT_EQUAL(0, ::stat(entryFile().c_str(), &info));
		const auto lifetime = info.st_mtim.tv_sec - std::time(nullptr);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(lifetime), lifetime > 1700 && lifetime <= 1800);
		const struct timespec past[2] = {{0, UTIME_OMIT}, {std::time(nullptr) - 1, 0}};
		CPPUNIT_ASSERT_EQUAL(0, ::utimensat(AT_FDCWD, entryFile().c_str(), past, 0));
		const ApiResult next = OAuth2Client(sharedConfig(server)).token();
		CPPUNIT_ASSERT(!next.fromSharedStore && tokenOf(next) != token);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.requests().size());
	}

	void testUnsafeStoreFallsBackToMemory()
	{
		Poco::File(_directory).createDirectories();
		::chmod(_directory.c_str(), 0755);
		ScriptedServer server(falconLike(), &loopbackCertificate());
		expectFallback(server, _directory, "open to group or others");
		CPPUNIT_ASSERT(entryFile().empty());
	}

	/// Through a link, the store could be anybody's: a linked directory, or a linked entry.
	void testSymlinksAreRefused()
	{
		const std::string real = testDirectory() + "/real-store";
		Poco::File(real).createDirectories();
		::chmod(real.c_str(), 0700);
		const std::string link = testDirectory() + "/linked-store";
		::unlink(link.c_str());
		CPPUNIT_ASSERT_EQUAL(0, ::symlink(real.c_str(), link.c_str()));
		ScriptedServer server(falconLike(), &loopbackCertificate());
		expectFallback(server, link, "is a symbolic link");

		CPPUNIT_ASSERT(OAuth2Client(sharedConfig(server)).token().ok());
		const std::string entry = entryFile();
		const std::string elsewhere = testDirectory() + "/elsewhere.entry";
		Poco::File(entry).moveTo(elsewhere);
		CPPUNIT_ASSERT_EQUAL(0, ::symlink(elsewhere.c_str(), entry.c_str()));
		expectFallback(server, _directory, "cannot open the entry");
	}

	/// A private directory that belongs to someone else (made so by root, as CI runs; another
	/// user cannot give a directory away, so elsewhere the case cannot arise for the test).
	void testAnotherUsersDirectoryIsRefused()
	{
		if (::geteuid() != 0) return;
		Poco::File(_directory).createDirectories();
		::chmod(_directory.c_str(), 0700);
		CPPUNIT_ASSERT_EQUAL(0, ::chown(_directory.c_str(), 65534, 65534));
		ScriptedServer server(falconLike(), &loopbackCertificate());
		expectFallback(server, _directory, "belongs to another user");
		CPPUNIT_ASSERT(entryFile().empty());
	}

	/// A directory that cannot be made (its parent is a file; root can write anywhere else).
	void testUnusableDirectoryFallsBackToMemory()
	{
		const std::string file = writeTestFile("not-a-directory", "x");
		ScriptedServer server(falconLike(), &loopbackCertificate());
		expectFallback(server, file + "/store", "Not a directory");
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
		RecordedLogger log("test.file-store.stuck");
		const ApiResult result = OAuth2Client(config, log.logger()).token();
		CPPUNIT_ASSERT(result.ok() && !result.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
		CPPUNIT_ASSERT_MESSAGE(log.text(), log.says("did not come in time; minting without it"));
	}
};

FALCON_REGISTER_SUITE(FileStoreTest);
