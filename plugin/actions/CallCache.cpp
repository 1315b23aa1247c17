#include "CallCache.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <openssl/sha.h>

#include <stdexcept>

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

std::string CallCache::digestOf(const std::string& key)
{
	// SHA-256's own functions, not EVP: an EVP context made and freed per call costs six
	// allocations, more than the digest of a key itself, and one kept per thread would need a
	// thread_local destructor, which pins the module in memory so dlclose never unloads it.
	// These work on a context on the stack, with the same CPU-specific code as EVP.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	SHA256_CTX context;
	unsigned char digest[SHA256_DIGEST_LENGTH];
	if (SHA256_Init(&context) != 1 || SHA256_Update(&context, key.data(), key.size()) != 1
		|| SHA256_Final(digest, &context) != 1)
		throw std::runtime_error("SHA-256 failed");
#pragma GCC diagnostic pop
	return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::shared_ptr<OAuth2::OAuth2Client> CallCache::find(const std::string& key) const
{
	const std::string digest = digestOf(key);
	Calls& calls = _calls.mine();
	std::lock_guard<std::mutex> lock(calls.mutex);
	const auto it = calls.sessions.find(digest);
	return it == calls.sessions.end() ? nullptr : it->second.lock();
}

void CallCache::remember(const std::string& key, std::shared_ptr<OAuth2::OAuth2Client> session)
{
	const std::string digest = digestOf(key);
	Calls& calls = _calls.mine();
	std::lock_guard<std::mutex> lock(calls.mutex);
	if (calls.sessions.size() >= CAPACITY) calls.sessions.clear();
	calls.sessions[digest] = session;
}

}
} // namespace Falcon::Actions
