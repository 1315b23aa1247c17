#pragma once

#include "falcon/oauth2/OAuth2Client.h"
#include "falcon/oauth2/core/PerCpu.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace Falcon {
namespace Actions {

/// Remembers, by content, the (action, connection, input) calls that already passed their
/// schemas and the session each resolved to, so a host that calls an action a thousand times
/// with the same objects pays for validation and session lookup once. Bounded: when full it
/// starts over. It does not keep sessions alive: one the registry let go is looked up anew.
/// It keeps only a SHA-256 digest of each key: a key holds the call's client secret and token,
/// which the cache must not keep a second copy of (SessionRegistry keeps none either). Each CPU
/// has a cache of its own (PerCpu): every call would otherwise take the same lock.
class CallCache
{
public:
	static constexpr std::size_t CAPACITY = 1024; ///< per CPU

	/// An exact, unambiguous rendering of a JSON value (types and lengths included).
	static void appendKey(std::string& key, const Poco::Dynamic::Var& value);
	/// The same for an object (null: absent), without wrapping it in a value: the object's
	/// reference count is shared by every thread that calls with it.
	static void appendKey(std::string& key, const Poco::JSON::Object::Ptr& object);

	/// The session a call with this key resolved to, or null when it has not been seen.
	std::shared_ptr<OAuth2::OAuth2Client> find(const std::string& key) const;
	void remember(const std::string& key, std::shared_ptr<OAuth2::OAuth2Client> session);

private:
	struct Calls
	{
		std::mutex mutex;
		std::unordered_map<std::string, std::weak_ptr<OAuth2::OAuth2Client>> sessions;
	};
	OAuth2::PerCpu<Calls> _calls;
};

}
} // namespace Falcon::Actions
