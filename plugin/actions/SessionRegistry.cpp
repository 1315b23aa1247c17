#include "SessionRegistry.h"

#include "CallCache.h"

#include "falcon/oauth2/core/ProcessLocal.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace Falcon {
namespace Actions {

SessionRegistry& SessionRegistry::instance()
{
	// A child of fork() gets sessions of its own: the inherited ones hold the parent's connections.
	static OAuth2::ProcessLocal<SessionRegistry> registry;
	return registry.get();
}

std::string SessionRegistry::fingerprintOf(const OAuth2::ClientConfig& config, const Poco::JSON::Object::Ptr& settings)
{
	// A digest, so that the registry keeps no second copy of the secret. The secret in use is
	// the configuration's: an input may bring its own (FalconPy's Uber style).
	std::string rendering = config.clientSecret + '\0';
	CallCache::appendKey(rendering, settings);
	Poco::SHA2Engine digest(Poco::SHA2Engine::SHA_256);
	digest.update(rendering);
	return Poco::DigestEngine::digestToHex(digest.digest());
}

std::shared_ptr<OAuth2::OAuth2Client> SessionRegistry::session(
	const OAuth2::ClientConfig& config, const Poco::JSON::Object::Ptr& settings, Poco::Logger& logger)
{
	const std::string key = config.effectiveBaseUrl() + '\n' + config.clientId + '\n' + config.memberCid;
	const std::string fingerprint = fingerprintOf(config, settings);
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _sessions.find(key);
	if (it != _sessions.end() && it->second.fingerprint == fingerprint)
	{
		it->second.lastUsed = ++_uses;
		return referenceFor(it->second);
	}
	// Made under the lock: two first callers must not build two sessions. Construction only
	// validates; it sends nothing.
	auto client = std::make_shared<OAuth2::OAuth2Client>(config, logger);
	if (it == _sessions.end() && _sessions.size() >= _capacity) evictLeastRecentlyUsed();
	Entry& entry = _sessions[key] = Entry{fingerprint, std::move(client), {}, ++_uses};
	return referenceFor(entry);
}

std::shared_ptr<OAuth2::OAuth2Client> SessionRegistry::referenceFor(Entry& entry)
{
	std::shared_ptr<OAuth2::OAuth2Client>& reference = entry.references.mine();
	if (!reference)
	{
		// Owns the session through a holder of its own: its count is the holder's, not the session's.
		const auto holder = std::make_shared<std::shared_ptr<OAuth2::OAuth2Client>>(entry.client);
		reference = std::shared_ptr<OAuth2::OAuth2Client>(holder, holder->get());
	}
	return reference;
}

void SessionRegistry::evictLeastRecentlyUsed()
{
	auto oldest = _sessions.begin();
	for (auto it = _sessions.begin(); it != _sessions.end(); ++it)
	{
		if (it->second.lastUsed < oldest->second.lastUsed) oldest = it;
	}
	if (oldest != _sessions.end()) _sessions.erase(oldest);
}

std::size_t SessionRegistry::size() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _sessions.size();
}

}
} // namespace Falcon::Actions
