#include "ClientTestKit.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/store/EntrySeal.h"
#include "falcon/oauth2/store/FileTokenStore.h"
#include "falcon/oauth2/store/Hkdf.h"

#include <Poco/File.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <stdexcept>

#include <sys/stat.h>
#include <unistd.h>

using namespace Falcon::OAuth2;
using namespace Falcon::Testing;

namespace {

const std::string BASE = "https://api.crowdstrike.com";
const std::string TOKEN = "eyJzZWFsIjoidGVzdCJ9.token/value+=";

SharedEntry entry()
{
	SharedEntry entry;
	entry.accessToken = TOKEN;
	entry.expiresAt = SharedEntry::WallClock::now() + std::chrono::minutes(30);
	entry.baseUrl = "https://api.us-2.crowdstrike.com";
	return entry;
}

std::string freshDirectory(const std::string& name, mode_t mode = 0700)
{
	const std::string path = testDirectory() + "/" + name;
	if (Poco::File(path).exists()) Poco::File(path).remove(true);
	Poco::File(path).createDirectories();
	::chmod(path.c_str(), mode);
	return path;
}

std::string bytesOf(const std::string& hex)
{
	std::string bytes;
	for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
		bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
	return bytes;
}

std::string hexOf(const std::string& bytes)
{
	std::string hex;
	char digits[3];
	for (const char byte : bytes)
	{
		std::snprintf(digits, sizeof(digits), "%02x", static_cast<unsigned char>(byte));
		hex += digits;
	}
	return hex;
}

Deadline soon()
{
	return Clock::now() + std::chrono::seconds(2);
}

} // namespace

/// The shared store's entries and files: what is sealed and how, what opens and what does not,
/// and which directories and files the file store refuses to trust.
class EntrySealTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(EntrySealTest);
	CPPUNIT_TEST(testSealedEntryOpens);
	CPPUNIT_TEST(testNameAndBytesHoldNothingSecret);
	CPPUNIT_TEST(testTamperedTruncatedOrForeignIsAMiss);
	CPPUNIT_TEST(testRotatedSecretHasItsOwnEntry);
	CPPUNIT_TEST(testRecordNamesStayAsReleased);
	CPPUNIT_TEST(testEntrySealedByTheReleaseStillOpens);
	CPPUNIT_TEST(testKeysDeriveAsRfc5869Says);
	CPPUNIT_TEST(testFileStoreWritesPrivateFiles);
	CPPUNIT_TEST(testFileStoreRefusesUnsafePlaces);
	CPPUNIT_TEST(testLockExcludesUntilReleased);
	CPPUNIT_TEST_SUITE_END();

public:
	void testSealedEntryOpens()
	{
		const EntrySeal seal(BASE, TEST_CLIENT_ID, "", TEST_CLIENT_SECRET);
		const auto opened = seal.open(seal.seal(entry()));
		CPPUNIT_ASSERT(opened);
		CPPUNIT_ASSERT_EQUAL(TOKEN, opened->accessToken);
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.us-2.crowdstrike.com"), opened->baseUrl);
		CPPUNIT_ASSERT(std::chrono::abs(opened->expiresAt - entry().expiresAt) < std::chrono::seconds(2));
		// A fresh nonce every time: the same entry never seals to the same bytes.
		CPPUNIT_ASSERT(seal.seal(entry()) != seal.seal(entry()));
	}

	void testNameAndBytesHoldNothingSecret()
	{
		const EntrySeal seal(BASE, TEST_CLIENT_ID, "abcdef0123456789abcdef0123456789", TEST_CLIENT_SECRET);
		const std::string sealed = seal.seal(entry());
		for (const std::string& secret :
			{TOKEN, TEST_CLIENT_SECRET, TEST_CLIENT_ID, std::string("abcdef0123456789abcdef0123456789")})
		{
			CPPUNIT_ASSERT(seal.name().find(secret) == std::string::npos);
			CPPUNIT_ASSERT(sealed.find(secret) == std::string::npos);
		}
		CPPUNIT_ASSERT(sealed.find("eyJ") == std::string::npos);
	}

	void testTamperedTruncatedOrForeignIsAMiss()
	{
		const EntrySeal seal(BASE, TEST_CLIENT_ID, "", TEST_CLIENT_SECRET);
		const std::string sealed = seal.seal(entry());
		for (std::size_t i = 0; i < sealed.size(); i += 7)
		{
			std::string tampered = sealed;
			tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
			CPPUNIT_ASSERT_MESSAGE("byte " + std::to_string(i), !seal.open(tampered));
		}
		for (std::size_t length : {std::size_t(0), std::size_t(4), std::size_t(31), sealed.size() - 1})
			CPPUNIT_ASSERT(!seal.open(sealed.substr(0, length)));
		CPPUNIT_ASSERT(!seal.open(std::string(EntrySeal::MAX_SEALED_BYTES + 1, 'x')));
		// The same client on another cloud, or another client: another name and key.
		CPPUNIT_ASSERT(
			!EntrySeal("https://api.eu-1.crowdstrike.com", TEST_CLIENT_ID, "", TEST_CLIENT_SECRET).open(sealed));
		CPPUNIT_ASSERT(!EntrySeal(BASE, "another-client", "", TEST_CLIENT_SECRET).open(sealed));
	}

	void testRotatedSecretHasItsOwnEntry()
	{
		const EntrySeal old(BASE, TEST_CLIENT_ID, "", TEST_CLIENT_SECRET);
		const EntrySeal rotated(BASE, TEST_CLIENT_ID, "", "a-rotated-secret");
		CPPUNIT_ASSERT(old.name() != rotated.name());
		CPPUNIT_ASSERT(!rotated.open(old.seal(entry())));
		CPPUNIT_ASSERT(!old.open(rotated.seal(entry())));
	}

	/// Processes of different releases share one store: a token's record keeps the name it had
	/// (SHA-256 of the token, its first 48 hex digits), however the digest is computed.
	void testRecordNamesStayAsReleased()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("falcon-oauth2-token-ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"),
			EntrySeal::recordNameOf("abc"));
		CPPUNIT_ASSERT_EQUAL(std::string("falcon-oauth2-token-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"),
			EntrySeal::recordNameOf(""));
	}

	/// Processes of the release before share entries with this one: the name and the key derived
	/// from the secret are the same, so an entry it sealed opens here.
	void testEntrySealedByTheReleaseStillOpens()
	{
		const EntrySeal seal("https://api.crowdstrike.com", "0123456789abcdef0123456789abcdef", "",
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn");
		CPPUNIT_ASSERT_EQUAL(
			std::string("falcon-oauth2-bc8beaf252168246b040e7295498e690-440e4c65826aed0e"), seal.name());
		const auto opened = seal.open(
			bytesOf("464f433175b993951249cb17691fe0feb1664dc9c875508942a8d0d405c986e96769a83000c5c979c228336f9a56b9e8"
					"467138facbf4fc4d55bab1a617aceeb5624389bc50cb2f4c741754312458927252c0e35030cca05ada1cd93176937177"
					"81daf915c4a928fcd50529257680e9d88de0fc7089458179d0953ad6526abc6cbb8917146a03065c19ce6dd2d3451f29"
					"4c49b66f52f8d2ae50d19fa630"));
		CPPUNIT_ASSERT(opened);
		CPPUNIT_ASSERT_EQUAL(std::string("released-token"), opened->accessToken);
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.us-2.crowdstrike.com"), opened->baseUrl);
		CPPUNIT_ASSERT(
			opened->expiresAt == SharedEntry::WallClock::time_point(std::chrono::milliseconds(1893456000000LL)));
	}

	/// RFC 5869's SHA-256 cases: basic, long inputs (a salt longer than a block), empty salt and info.
	void testKeysDeriveAsRfc5869Says()
	{
		CPPUNIT_ASSERT_EQUAL(
			std::string("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
			hexOf(hkdfSha256(
				std::string(22, '\x0b'), bytesOf("000102030405060708090a0b0c"), bytesOf("f0f1f2f3f4f5f6f7f8f9"), 42)));
		std::string input, salt, info;
		for (int i = 0; i < 80; ++i)
		{
			input += static_cast<char>(i);
			salt += static_cast<char>(0x60 + i);
			info += static_cast<char>(0xb0 + i);
		}
		CPPUNIT_ASSERT_EQUAL(
			std::string("b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac78272"
						"71cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
			hexOf(hkdfSha256(input, salt, info, 82)));
		CPPUNIT_ASSERT_EQUAL(
			std::string("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
			hexOf(hkdfSha256(std::string(22, '\x0b'), "", "", 42)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(8160), hkdfSha256("secret", "", "", 8160).size());
		CPPUNIT_ASSERT_THROW(hkdfSha256("secret", "", "", 8161), std::invalid_argument);
	}

	void testFileStoreWritesPrivateFiles()
	{
		const std::string directory = testDirectory() + "/store-created/falcon-oauth2";
		if (Poco::File(testDirectory() + "/store-created").exists())
			Poco::File(testDirectory() + "/store-created").remove(true);
		FileTokenStore store(directory);
		CPPUNIT_ASSERT(!store.read("entry", soon()));
		store.write("entry", "sealed-bytes", SharedEntry::WallClock::now(), soon());
		CPPUNIT_ASSERT_EQUAL(std::string("sealed-bytes"), *store.read("entry", soon()));
		struct stat info = {};
		CPPUNIT_ASSERT_EQUAL(0, ::stat(directory.c_str(), &info));
		CPPUNIT_ASSERT_EQUAL(0700u, static_cast<unsigned>(info.st_mode & 0777));
		CPPUNIT_ASSERT_EQUAL(0, ::stat((directory + "/entry.entry").c_str(), &info));
		CPPUNIT_ASSERT_EQUAL(0600u, static_cast<unsigned>(info.st_mode & 0777));
		// Compare-and-delete: another value stays, the same value goes.
		store.remove("entry", "other-bytes", soon());
		CPPUNIT_ASSERT(store.read("entry", soon()));
		store.remove("entry", "sealed-bytes", soon());
		CPPUNIT_ASSERT(!store.read("entry", soon()));
	}

	void testFileStoreRefusesUnsafePlaces()
	{
		const std::string open = freshDirectory("store-open", 0755);
		CPPUNIT_ASSERT_THROW(FileTokenStore(open).read("entry", soon()), Poco::IOException);

		const std::string real = freshDirectory("store-real");
		const std::string link = testDirectory() + "/store-link";
		::unlink(link.c_str());
		CPPUNIT_ASSERT_EQUAL(0, ::symlink(real.c_str(), link.c_str()));
		CPPUNIT_ASSERT_THROW(
			FileTokenStore(link).write("entry", "x", SharedEntry::WallClock::now(), soon()), Poco::IOException);

		// An entry that is a symbolic link (to a file someone else controls) is never followed.
		const std::string decoy = writeTestFile("decoy-entry", "attacker-chosen-bytes", 0600);
		CPPUNIT_ASSERT_EQUAL(0, ::symlink(decoy.c_str(), (real + "/entry.entry").c_str()));
		CPPUNIT_ASSERT_THROW(FileTokenStore(real).read("entry", soon()), Poco::IOException);

		const std::string shared = freshDirectory("store-entry-mode");
		writeTestFile("store-entry-mode/entry.entry", "bytes", 0644);
		CPPUNIT_ASSERT_THROW(FileTokenStore(shared).read("entry", soon()), Poco::IOException);

		if (::geteuid() == 0) // only root can hand a directory to someone else
		{
			const std::string foreign = freshDirectory("store-foreign");
			CPPUNIT_ASSERT_EQUAL(0, ::chown(foreign.c_str(), 65534, 65534));
			CPPUNIT_ASSERT_THROW(FileTokenStore(foreign).read("entry", soon()), Poco::IOException);
		}
	}

	void testLockExcludesUntilReleased()
	{
		FileTokenStore store(freshDirectory("store-lock"));
		auto held = store.lock("entry", CallBounds{soon()});
		CPPUNIT_ASSERT(held);
		// flock belongs to the open file: a second opening (another process, or this one) waits.
		const auto started = Clock::now();
		CPPUNIT_ASSERT(!store.lock("entry", CallBounds{Clock::now() + std::chrono::milliseconds(100)}));
		CPPUNIT_ASSERT(Clock::now() - started >= std::chrono::milliseconds(90));
		held.reset();
		CPPUNIT_ASSERT(store.lock("entry", CallBounds{soon()}));
	}
};

FALCON_REGISTER_SUITE(EntrySealTest);
