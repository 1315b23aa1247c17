#pragma once

#include "falcon/oauth2/store/SharedTokenStore.h"

#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// Names and seals one API client's shared entry. The name holds no client ID and no secret: a
/// prefix, a digest of (configured base URL, client ID, member CID) and a key ID derived from the
/// client secret, so a rotated secret gets an entry of its own. The entry is sealed with
/// AES-256-GCM under a key derived (HKDF-SHA256) from the client secret with the name as salt, a
/// random 96-bit nonce per write and the name as associated data: whoever can open an entry
/// already holds the secret, and an entry moved to another name does not open.
class EntrySeal
{
public:
	EntrySeal(const std::string& configuredBaseUrl, const std::string& clientId, const std::string& memberCid,
		const std::string& clientSecret);
	~EntrySeal();
	EntrySeal(const EntrySeal&) = delete;
	EntrySeal& operator=(const EntrySeal&) = delete;

	const std::string& name() const { return _name; }

	std::string seal(const SharedEntry& entry) const;
	/// Nothing for bytes that do not open under this key and name, or do not hold an entry:
	/// a tampered, truncated or foreign entry is a miss, never an error.
	std::optional<SharedEntry> open(const std::string& bytes) const;
	/// The entry an opened seal holds (JSON); nothing for text that is not one.
	static std::optional<SharedEntry> parse(const std::string& plaintext);

	/// The name of what a store records about one token, whoever minted it: where it is shared
	/// (so that a revoke through any session finds the entry), or that it was revoked. A digest
	/// of the token: the name tells nothing of it.
	static std::string recordNameOf(const std::string& accessToken);

	static constexpr std::size_t MAX_SEALED_BYTES = 64 * 1024;

private:
	std::string _name;
	unsigned char _key[32];
};

}
} // namespace Falcon::OAuth2
