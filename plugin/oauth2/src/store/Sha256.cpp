#include "falcon/oauth2/store/Sha256.h"

#include <openssl/sha.h>

#include <stdexcept>

namespace Falcon {
namespace OAuth2 {

std::string sha256(const std::string& bytes)
{
	// SHA-256's own functions, not EVP: EVP_Digest(EVP_sha256()) looks the algorithm up in
	// OpenSSL 3's provider store and allocates a context on every call (600 ns for a token
	// here, against 100 ns); a context kept per thread would need a thread_local destructor,
	// which pins the module in memory so dlclose never unloads it. These work on a context on
	// the stack, with the same CPU-specific code as EVP.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	SHA256_CTX context;
	unsigned char digest[SHA256_DIGEST_LENGTH];
	if (SHA256_Init(&context) != 1 || SHA256_Update(&context, bytes.data(), bytes.size()) != 1
		|| SHA256_Final(digest, &context) != 1)
		throw std::runtime_error("SHA-256 failed");
#pragma GCC diagnostic pop
	return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}
} // namespace Falcon::OAuth2
