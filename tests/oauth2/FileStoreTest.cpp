#include "SharedStoreContract.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/store/EntrySeal.h"
#include "falcon/oauth2/store/FileTokenStore.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/Environment.h>
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
	CPPUNIT_TEST(testDamagedEntryIsReplaced);
	CPPUNIT_TEST(testLinkAboveTheStoreIsRefused);
	CPPUNIT_TEST(testRelativeXdgDirectoryIsIgnored);
	CPPUNIT_TEST(testAnotherUsersParentIsLeftAlone);
	CPPUNIT_TEST(testWritesSweepExpiredEntriesAndIdleLocks);
	CPPUNIT_TEST(testAnotherUsersDirectoryIsRefused);
	CPPUNIT_TEST(testUnusableDirectoryFallsBackToMemory);
	CPPUNIT_TEST(testStuckLockHolderDelaysNobodyPastTheDeadline);
	CPPUNIT_TEST_SUITE_END();

	std::string _directory;

	std::string entryFile() const
	{
		if (!Poco::File(_directory).exists()) return {};
		for (Poco::DirectoryIterator it(_directory), end; it != end; ++it)
		{
			// A token's record is named after the token; the client's entry is the other.
			if (Poco::endsWith(it.name(), std::string(".entry"))
				&& it.name().find("falcon-oauth2-token-") == std::string::npos)
				return it->path();
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
		for (Poco::DirectoryIterator it(_directory), end; it != end; ++it)
			all += it.name() + "\n" + contentsOf(it->path()) + "\n";
		return all;
	}

	std::vector<std::string> storeOptions() override { return {}; }
	Poco::Process::Env storeEnvironment() override { return {{"FALCON_TOKEN_CACHE", "file:" + _directory}}; }

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
		const TokenResult result = client.token();
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
		const TokenResult next = OAuth2Client(sharedConfig(server)).token();
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
	}

	/// A link above the store's directory, or the directory named with a trailing slash (which
	/// resolves a link), leads elsewhere just as a linked directory does. Root's own links are
	/// the system's layout, so as root the test's link is given to another user.
	void testLinkAboveTheStoreIsRefused()
	{
		const std::string real = testDirectory() + "/real-parent";
		Poco::File(real + "/sub").createDirectories();
		::chmod((real + "/sub").c_str(), 0700);
		const std::string link = testDirectory() + "/linked-parent";
		::unlink(link.c_str());
		CPPUNIT_ASSERT_EQUAL(0, ::symlink(real.c_str(), link.c_str()));
		if (::geteuid() == 0) CPPUNIT_ASSERT_EQUAL(0, ::lchown(link.c_str(), 65534, 65534));
		ScriptedServer server(falconLike(), &loopbackCertificate());
		expectFallback(server, link + "/sub", link + " is a symbolic link");
		const std::string linkedStore = testDirectory() + "/linked-store-dir";
		::unlink(linkedStore.c_str());
		CPPUNIT_ASSERT_EQUAL(0, ::symlink((real + "/sub").c_str(), linkedStore.c_str()));
		expectFallback(server, linkedStore + "/", "is a symbolic link");
		CPPUNIT_ASSERT(Poco::DirectoryIterator(real + "/sub") == Poco::DirectoryIterator());
	}

	/// The XDG specification: a relative path in XDG_RUNTIME_DIR or XDG_CACHE_HOME is invalid.
	void testRelativeXdgDirectoryIsIgnored()
	{
		const auto saved = [](const char* name) {
			return Poco::Environment::has(name) ? std::optional<std::string>(Poco::Environment::get(name))
												: std::nullopt;
		};
		const auto runtime = saved("XDG_RUNTIME_DIR");
		const auto cache = saved("XDG_CACHE_HOME");
		Poco::Environment::set("XDG_RUNTIME_DIR", "relative/run");
		Poco::Environment::set("XDG_CACHE_HOME", "/absolute/cache");
		const std::string chosen = FileTokenStore::defaultDirectory();
		Poco::Environment::set("XDG_CACHE_HOME", "relative/cache");
		const std::string fallback = FileTokenStore::defaultDirectory();
		Poco::Environment::set("XDG_RUNTIME_DIR", runtime.value_or(""));
		Poco::Environment::set("XDG_CACHE_HOME", cache.value_or(""));
		CPPUNIT_ASSERT_EQUAL(std::string("/absolute/cache/falcon-oauth2"), chosen);
		CPPUNIT_ASSERT_EQUAL(Poco::Path(Poco::Path::home()).append(".cache/falcon-oauth2").toString(), fallback);
	}

	/// Root running with another user's HOME (sudo -E, su -m): that user's ~/.cache is not
	/// made root's; the call goes on in memory. (Only root can give a directory away.)
	void testAnotherUsersParentIsLeftAlone()
	{
		if (::geteuid() != 0) return;
		const std::string home = testDirectory() + "/another-users-home";
		Poco::File(home).createDirectories();
		CPPUNIT_ASSERT_EQUAL(0, ::chown(home.c_str(), 65534, 65534));
		ScriptedServer server(falconLike(), &loopbackCertificate());
		expectFallback(server, home + "/.cache/falcon-oauth2", home + " belongs to another user");
		CPPUNIT_ASSERT(!Poco::File(home + "/.cache").exists());
	}

	/// Expired entries, locks without an entry and abandoned temporary files go, a bounded number
	/// per write; live entries, their locks and a lock just made stay.
	void testWritesSweepExpiredEntriesAndIdleLocks()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		CPPUNIT_ASSERT(OAuth2Client(sharedConfig(server)).token().ok());
		const std::string live = entryFile();
		const auto age = [](const std::string& path, time_t seconds) {
			const struct timespec past[2] = {{0, UTIME_OMIT}, {std::time(nullptr) - seconds, 0}};
			CPPUNIT_ASSERT_EQUAL(0, ::utimensat(AT_FDCWD, path.c_str(), past, 0));
		};
		const std::string store = _directory.substr(testDirectory().size() + 1) + "/";
		for (int i = 0; i < 100; ++i) age(writeTestFile(store + "expired-" + std::to_string(i) + ".entry", "x"), 10);
		for (int i = 0; i < 3; ++i) age(writeTestFile(store + "idle-" + std::to_string(i) + ".lock", ""), 120);
		age(writeTestFile(store + "abandoned.entry.1-2.tmp", "x"), 120);
		writeTestFile(store + "just-made.lock", "");
		const auto count = [&] {
			std::size_t files = 0;
			for (Poco::DirectoryIterator it(_directory), end; it != end; ++it) ++files;
			return files;
		};
		const std::size_t before = count();
		// Each new secret is an entry of its own: a write.
		const auto write = [&](const std::string& secret) {
			ClientConfig config = sharedConfig(server);
			config.clientSecret = secret;
			CPPUNIT_ASSERT(OAuth2Client(config).token().ok());
		};
		// A mint writes twice (the entry and the token's record) and sweeps once.
		write("rotated-1");
		const std::size_t afterOne = count();
		CPPUNIT_ASSERT_MESSAGE(std::to_string(before) + " -> " + std::to_string(afterOne),
			afterOne + FileTokenStore::SWEEP_REMOVALS >= before);
		CPPUNIT_ASSERT(afterOne < before);
		write("rotated-2");
		write("rotated-3");
		for (Poco::DirectoryIterator it(_directory), end; it != end; ++it)
		{
			CPPUNIT_ASSERT_MESSAGE(it.name(), it.name().find("expired-") == std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(it.name(), it.name().find("idle-") == std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(it.name(), it.name().find(".tmp") == std::string::npos);
		}
		CPPUNIT_ASSERT(Poco::File(live).exists());
		CPPUNIT_ASSERT(Poco::File(live.substr(0, live.size() - 6) + ".lock").exists());
		CPPUNIT_ASSERT(Poco::File(_directory + "/just-made.lock").exists());
		CPPUNIT_ASSERT(OAuth2Client(sharedConfig(server)).token().fromSharedStore);
	}

	/// Whatever is in an entry's place that cannot be an entry (a link, a FIFO, a file open to
	/// others, an oversized file) is a miss, said once, and the next token replaces it: sharing
	/// comes back by itself. A directory cannot be renamed over: the warning says to remove it.
	void testDamagedEntryIsReplaced()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		CPPUNIT_ASSERT(OAuth2Client(sharedConfig(server)).token().ok());
		const std::string entry = entryFile();
		const std::string elsewhere = writeTestFile("elsewhere.entry", "not yours");
		const std::vector<std::pair<std::string, std::function<void()>>> damages{
			{"is a symbolic link", [&] { CPPUNIT_ASSERT_EQUAL(0, ::symlink(elsewhere.c_str(), entry.c_str())); }},
			{"is not a regular file", [&] { CPPUNIT_ASSERT_EQUAL(0, ::mkfifo(entry.c_str(), 0600)); }},
			{"open to group or others", [&] { writeTestFile(entry.substr(testDirectory().size() + 1), "x", 0644); }},
			{"larger than an entry can be",
				[&] {
					writeTestFile(
						entry.substr(testDirectory().size() + 1), std::string(EntrySeal::MAX_SEALED_BYTES + 10, 'x'));
				}},
		};
		for (const auto& damage : damages)
		{
			::unlink(entry.c_str());
			damage.second();
			RecordedLogger log("test.file-store.damaged");
			const TokenResult minted = OAuth2Client(sharedConfig(server), log.logger()).token();
			CPPUNIT_ASSERT(minted.ok() && !minted.fromSharedStore);
			CPPUNIT_ASSERT_MESSAGE(log.text(), log.says(damage.first) && log.says("the next token replaces it"));
			CPPUNIT_ASSERT_MESSAGE(log.text(), !log.says("goes on without it"));
			const TokenResult shared = OAuth2Client(sharedConfig(server)).token();
			CPPUNIT_ASSERT_MESSAGE(damage.first, shared.fromSharedStore);
			CPPUNIT_ASSERT_EQUAL(tokenOf(minted), tokenOf(shared));
		}
		CPPUNIT_ASSERT_EQUAL(std::string("not yours"), contentsOf(elsewhere));
		::unlink(entry.c_str());
		Poco::File(entry + "/inside").createDirectories();
		RecordedLogger log("test.file-store.directory");
		CPPUNIT_ASSERT(OAuth2Client(sharedConfig(server), log.logger()).token().ok());
		CPPUNIT_ASSERT_MESSAGE(log.text(), log.says("is a directory (remove it to share tokens again)"));
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
	/// others wait while their deadline allows, then mint on their own, and say so.
	void testStuckLockHolderDelaysNobodyPastTheDeadline()
	{
		ScriptedServer server(falconLike(), &loopbackCertificate());
		ClientConfig config = sharedConfig(server);
		config.callTimeout = std::chrono::milliseconds(1000);
		const EntrySeal seal(config.effectiveBaseUrl(), config.clientId, config.memberCid, config.clientSecret);
		FileTokenStore holder(_directory);
		const auto stuck = holder.lock(seal.name(), CallBounds{Clock::now() + std::chrono::seconds(2)});
		CPPUNIT_ASSERT(stuck);
		RecordedLogger log("test.file-store.stuck");
		const auto started = Clock::now();
		const TokenResult result = OAuth2Client(config, log.logger()).token();
		CPPUNIT_ASSERT(Clock::now() - started >= std::chrono::milliseconds(700));
		CPPUNIT_ASSERT(result.ok() && !result.fromSharedStore);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.requests().size());
		CPPUNIT_ASSERT_MESSAGE(log.text(), log.says("did not come in time; minting without it"));
	}
};

FALCON_REGISTER_SUITE(FileStoreTest);
