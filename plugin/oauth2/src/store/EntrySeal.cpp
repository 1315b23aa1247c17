#include "falcon/oauth2/store/EntrySeal.h"

#include "falcon/oauth2/core/JsonReader.h"
#include "falcon/oauth2/store/Hkdf.h"
#include "falcon/oauth2/store/Sha256.h"

#include <Poco/JSON/Object.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace Falcon {
namespace OAuth2 {

namespace {

const std::string MAGIC = "FOC1"; ///< the format of a sealed entry, version 1
constexpr std::size_t NONCE_BYTES = 12;
constexpr std::size_t TAG_BYTES = 16;

std::string hex(const std::string& bytes)
{
	static const char DIGITS[] = "0123456789abcdef";
	std::string text;
	for (const char byte : bytes)
	{
		text += DIGITS[static_cast<unsigned char>(byte) >> 4];
		text += DIGITS[static_cast<unsigned char>(byte) & 0x0F];
	}
	return text;
}

std::string sha256Hex(const std::string& text)
{
	return hex(sha256(text));
}

long long millisecondsOf(SharedEntry::WallClock::time_point at)
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

/// An entry's time, kept within years 1970..2200 whatever the entry says (the clock counts
/// nanoseconds in 64 bits, which ends in 2262).
SharedEntry::WallClock::time_point timeOf(long long milliseconds)
{
	milliseconds = std::clamp(milliseconds, 0LL, 7258118400000LL);
	return SharedEntry::WallClock::time_point(
		std::chrono::duration_cast<SharedEntry::WallClock::duration>(std::chrono::milliseconds(milliseconds)));
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

} // namespace

EntrySeal::EntrySeal(const std::string& configuredBaseUrl, const std::string& clientId, const std::string& memberCid,
	const std::string& clientSecret)
{
	_name = "falcon-oauth2-" + sha256Hex(configuredBaseUrl + '\n' + clientId + '\n' + memberCid).substr(0, 32) + "-"
		+ hex(hkdfSha256(clientSecret, "falcon-oauth2 key id", "", 8));
	std::string key = hkdfSha256(clientSecret, _name, "falcon-oauth2 token cache v1", sizeof(_key));
	std::copy(key.begin(), key.end(), _key);
	OPENSSL_cleanse(&key[0], key.size());
}

EntrySeal::~EntrySeal()
{
	OPENSSL_cleanse(_key, sizeof(_key));
}

std::string EntrySeal::recordNameOf(const std::string& accessToken)
{
	return "falcon-oauth2-token-" + sha256Hex(accessToken).substr(0, 48);
}

std::string EntrySeal::seal(const SharedEntry& entry) const
{
	Poco::JSON::Object plain;
	plain.set("access_token", entry.accessToken);
	plain.set("expires_at", millisecondsOf(entry.expiresAt));
	plain.set("base_url", entry.baseUrl);
	plain.set("cooldown_until", millisecondsOf(entry.cooldownUntil));
	std::ostringstream text;
	plain.stringify(text);
	std::string plaintext = text.str();

	unsigned char nonce[NONCE_BYTES];
	if (RAND_bytes(nonce, sizeof(nonce)) != 1) throw std::runtime_error("no random nonce");
	const CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
	std::string sealed =
		MAGIC + std::string(reinterpret_cast<const char*>(nonce), sizeof(nonce)) + std::string(TAG_BYTES, '\0');
	sealed.resize(sealed.size() + plaintext.size());
	auto* out = reinterpret_cast<unsigned char*>(&sealed[MAGIC.size() + NONCE_BYTES + TAG_BYTES]);
	int length = 0;
	const bool ok = context && EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
		&& EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, NONCE_BYTES, nullptr) == 1
		&& EVP_EncryptInit_ex(context.get(), nullptr, nullptr, _key, nonce) == 1
		&& EVP_EncryptUpdate(context.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(_name.data()),
			   static_cast<int>(_name.size()))
			== 1
		&& EVP_EncryptUpdate(context.get(), out, &length, reinterpret_cast<const unsigned char*>(plaintext.data()),
			   static_cast<int>(plaintext.size()))
			== 1
		&& EVP_EncryptFinal_ex(context.get(), out + length, &length) == 1
		&& EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, TAG_BYTES, &sealed[MAGIC.size() + NONCE_BYTES])
			== 1;
	OPENSSL_cleanse(&plaintext[0], plaintext.size());
	if (!ok) throw std::runtime_error("sealing the entry failed");
	return sealed;
}

std::optional<SharedEntry> EntrySeal::open(const std::string& bytes) const
{
	const std::size_t header = MAGIC.size() + NONCE_BYTES + TAG_BYTES;
	if (bytes.size() <= header || bytes.size() > MAX_SEALED_BYTES || bytes.compare(0, MAGIC.size(), MAGIC) != 0)
		return std::nullopt;
	const auto* nonce = reinterpret_cast<const unsigned char*>(bytes.data() + MAGIC.size());
	std::string tag = bytes.substr(MAGIC.size() + NONCE_BYTES, TAG_BYTES);
	const std::size_t cipherSize = bytes.size() - header;
	std::string plaintext(cipherSize, '\0');
	const CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
	int length = 0;
	const bool ok = context && EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
		&& EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, NONCE_BYTES, nullptr) == 1
		&& EVP_DecryptInit_ex(context.get(), nullptr, nullptr, _key, nonce) == 1
		&& EVP_DecryptUpdate(context.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(_name.data()),
			   static_cast<int>(_name.size()))
			== 1
		&& EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(&plaintext[0]), &length,
			   reinterpret_cast<const unsigned char*>(bytes.data() + header), static_cast<int>(cipherSize))
			== 1
		&& EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, TAG_BYTES, &tag[0]) == 1
		&& EVP_DecryptFinal_ex(context.get(), reinterpret_cast<unsigned char*>(&plaintext[0]) + length, &length) == 1;
	if (!ok)
	{
		OPENSSL_cleanse(&plaintext[0], plaintext.size());
		return std::nullopt;
	}
	const std::optional<SharedEntry> entry = parse(plaintext);
	OPENSSL_cleanse(&plaintext[0], plaintext.size());
	return entry;
}

std::optional<SharedEntry> EntrySeal::parse(const std::string& plaintext)
{
	try
	{
		const auto object = JsonReader::read(plaintext).extract<Poco::JSON::Object::Ptr>();
		SharedEntry entry;
		entry.accessToken = object->getValue<std::string>("access_token");
		entry.expiresAt = timeOf(object->getValue<Poco::Int64>("expires_at"));
		entry.baseUrl = object->getValue<std::string>("base_url");
		entry.cooldownUntil = timeOf(object->getValue<Poco::Int64>("cooldown_until"));
		return entry;
	}
	catch (const std::exception&)
	{
		return std::nullopt; // authentic but not an entry of this version: a miss like any other
	}
}

}
} // namespace Falcon::OAuth2
