#pragma once

#include "falcon/oauth2/OAuth2Client.h"
#include "falcon/oauth2/core/PerCpu.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace Falcon {
namespace Actions {

/// The module's one home for sessions (keep-alive connection + token cache), keyed by
/// (base URL, client id, member CID) and shared by every invocation and thread. A session whose
/// other settings changed (a rotated secret, another proxy, any field of the connection) is
/// replaced, not reused.
/// At most `capacity` sessions are kept: an MSSP host cycling through many child CIDs, or a host
/// fed ever new connections, evicts the least recently used one (a call still holding it
/// finishes; the next call for it opens a new session).
/// A session is handed out through a reference of each CPU's own (`PerCpu`): copies of it, one
/// per call, count on a line that only callers on that CPU write, instead of all of them.
class SessionRegistry
{
public:
	static constexpr std::size_t DEFAULT_CAPACITY = 256;

	static SessionRegistry& instance();

	explicit SessionRegistry(std::size_t capacity = DEFAULT_CAPACITY): _capacity(capacity) {}

	/// The session for `config`, made on first use and replaced when `settings` (the connection
	/// object the configuration was read from: every field, whatever fields the schema grows)
	/// changes. Throws OAuth2::InvalidInputException for a configuration the client refuses.
	std::shared_ptr<OAuth2::OAuth2Client> session(
		const OAuth2::ClientConfig& config, const Poco::JSON::Object::Ptr& settings, Poco::Logger& logger);

	std::size_t size() const;

private:
	struct Entry
	{
		std::string fingerprint;
		std::shared_ptr<OAuth2::OAuth2Client> client;
		/// References to `client` with a count of their own, made on a CPU's first call.
		OAuth2::PerCpu<std::shared_ptr<OAuth2::OAuth2Client>> references;
		unsigned long long lastUsed = 0;
	};

	/// The calling CPU's reference to the session of `entry`.
	static std::shared_ptr<OAuth2::OAuth2Client> referenceFor(Entry& entry);

	static std::string fingerprintOf(const OAuth2::ClientConfig& config, const Poco::JSON::Object::Ptr& settings);

	void evictLeastRecentlyUsed();

	const std::size_t _capacity;
	mutable std::mutex _mutex;
	std::map<std::string, Entry> _sessions;
	unsigned long long _uses = 0;
};

}
} // namespace Falcon::Actions
