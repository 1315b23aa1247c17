#include "CallCache.h"

#include "falcon/oauth2/store/Sha256.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace Falcon {
namespace Actions {

void CallCache::appendKey(std::string& key, const Poco::Dynamic::Var& value)
{
	if (value.isEmpty())
	{
		key += 'z';
	}
	else if (value.type() == typeid(Poco::JSON::Object::Ptr))
	{
		appendKey(key, value.extract<Poco::JSON::Object::Ptr>());
	}
	else if (value.type() == typeid(Poco::JSON::Array::Ptr))
	{
		const auto& array = value.extract<Poco::JSON::Array::Ptr>();
		key += '[';
		for (const auto& element : *array) appendKey(key, element);
		key += ']';
	}
	else if (value.isString())
	{
		const std::string& text = value.extract<std::string>();
		key += 's';
		key += std::to_string(text.size());
		key += ':';
		key += text;
	}
	else if (value.isBoolean())
	{
		key += value.extract<bool>() ? "b1" : "b0";
	}
	else
	{
		// Numbers (and anything else) by type and text, so 1 and "1" and 1.0 stay apart.
		key += value.type().name();
		key += ':';
		key += value.convert<std::string>();
		key += ';';
	}
}

void CallCache::appendKey(std::string& key, const Poco::JSON::Object::Ptr& object)
{
	if (!object)
	{
		key += 'z';
		return;
	}
	key += '{';
	for (const auto& entry : *object)
	{
		key += std::to_string(entry.first.size());
		key += ':';
		key += entry.first;
		appendKey(key, entry.second);
	}
	key += '}';
}

std::shared_ptr<OAuth2::OAuth2Client> CallCache::find(const std::string& key) const
{
	const std::string digest = OAuth2::sha256(key);
	Calls& calls = _calls.mine();
	std::lock_guard<std::mutex> lock(calls.mutex);
	const auto it = calls.sessions.find(digest);
	return it == calls.sessions.end() ? nullptr : it->second.lock();
}

void CallCache::remember(const std::string& key, std::shared_ptr<OAuth2::OAuth2Client> session)
{
	const std::string digest = OAuth2::sha256(key);
	Calls& calls = _calls.mine();
	std::lock_guard<std::mutex> lock(calls.mutex);
	if (calls.sessions.size() >= CAPACITY) calls.sessions.clear();
	calls.sessions[digest] = session;
}

}
} // namespace Falcon::Actions
