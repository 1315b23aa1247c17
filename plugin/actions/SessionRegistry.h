#pragma once

#include "falcon/oauth2/OAuth2Client.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace Falcon {
namespace Actions {

/// The module's one home for sessions (keep-alive connection + token cache), keyed by
/// (base URL, client id, member CID) and shared by every invocation and thread. A session whose
/// other settings changed (a rotated secret, another proxy...) is replaced, not reused.
class SessionRegistry
{
public:
	static SessionRegistry& instance();

	/// The session for `config`, made on first use. Throws OAuth2::InvalidInputException for a
	/// configuration the client refuses.
	std::shared_ptr<OAuth2::OAuth2Client> session(const OAuth2::ClientConfig& config, Poco::Logger& logger);

	std::size_t size() const;

private:
	struct Entry
	{
		std::string fingerprint;
		std::shared_ptr<OAuth2::OAuth2Client> client;
	};

	static std::string fingerprintOf(const OAuth2::ClientConfig& config);

	mutable std::mutex _mutex;
	std::map<std::string, Entry> _sessions;
};

} } // namespace Falcon::Actions
