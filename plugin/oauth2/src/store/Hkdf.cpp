#include "falcon/oauth2/store/Hkdf.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <stdexcept>

namespace Falcon {
namespace OAuth2 {

namespace {

constexpr std::size_t BLOCK_BYTES = SHA256_CBLOCK;
constexpr std::size_t DIGEST_BYTES = SHA256_DIGEST_LENGTH;

struct Piece
{
	const void* data;
	std::size_t size;
};

/// HMAC-SHA256 (RFC 2104) of the pieces one after the other, into `mac`. Built on SHA-256's own
/// functions, as sha256() is: EVP's HKDF is fetched from OpenSSL 3's providers, which adds a
/// third of a millisecond to a process that only reads the shared store (its method store, on
/// top of the providers the entry's cipher sets up).
void hmacSha256(const void* key, std::size_t keySize, std::initializer_list<Piece> message, unsigned char* mac)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	unsigned char block[BLOCK_BYTES] = {}; // a key longer than a block is replaced by its digest
	unsigned char pad[BLOCK_BYTES];
	unsigned char inner[DIGEST_BYTES];
	SHA256_CTX context;
	bool ok = true;
	if (keySize > BLOCK_BYTES)
		ok = SHA256_Init(&context) == 1 && SHA256_Update(&context, key, keySize) == 1
			&& SHA256_Final(block, &context) == 1;
	else if (keySize > 0) std::memcpy(block, key, keySize);
	for (std::size_t i = 0; i < BLOCK_BYTES; ++i) pad[i] = block[i] ^ 0x36;
	ok = ok && SHA256_Init(&context) == 1 && SHA256_Update(&context, pad, BLOCK_BYTES) == 1;
	for (const Piece& piece : message) ok = ok && SHA256_Update(&context, piece.data, piece.size) == 1;
	ok = ok && SHA256_Final(inner, &context) == 1;
	for (std::size_t i = 0; i < BLOCK_BYTES; ++i) pad[i] = block[i] ^ 0x5c;
	ok = ok && SHA256_Init(&context) == 1 && SHA256_Update(&context, pad, BLOCK_BYTES) == 1
		&& SHA256_Update(&context, inner, DIGEST_BYTES) == 1 && SHA256_Final(mac, &context) == 1;
#pragma GCC diagnostic pop
	OPENSSL_cleanse(block, sizeof(block));
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(inner, sizeof(inner));
	OPENSSL_cleanse(&context, sizeof(context));
	if (!ok) throw std::runtime_error("HMAC-SHA256 failed");
}

} // namespace

std::string hkdfSha256(const std::string& secret, const std::string& salt, const std::string& info, std::size_t length)
{
	if (length > 255 * DIGEST_BYTES) throw std::invalid_argument("HKDF-SHA256 gives at most 8160 bytes");
	// Extract. An empty salt is a block of zeros, as RFC 5869 asks: HMAC pads an empty key to that.
	unsigned char key[DIGEST_BYTES];
	hmacSha256(salt.data(), salt.size(), {{secret.data(), secret.size()}}, key);
	// Expand: T(n) = HMAC(key, T(n-1) | info | n), T(0) empty.
	std::string material;
	material.reserve(length); // no reallocation leaves a copy behind
	unsigned char previous[DIGEST_BYTES];
	unsigned char next[DIGEST_BYTES];
	std::size_t previousSize = 0;
	for (unsigned char counter = 1; material.size() < length; ++counter)
	{
		hmacSha256(key, sizeof(key), {{previous, previousSize}, {info.data(), info.size()}, {&counter, 1}}, next);
		std::memcpy(previous, next, DIGEST_BYTES);
		previousSize = DIGEST_BYTES;
		material.append(reinterpret_cast<const char*>(next), std::min(DIGEST_BYTES, length - material.size()));
	}
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(previous, sizeof(previous));
	OPENSSL_cleanse(next, sizeof(next));
	return material;
}

}
} // namespace Falcon::OAuth2
