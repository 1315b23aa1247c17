#include "CallCache.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <openssl/evp.h>

#include <memory>
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
	// The digest fetched once and a context kept per thread: a fetch, or a context made and
	// freed (six allocations), on every call costs more than the digest of a key itself.
	static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> sha256(
		EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free);
	thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(
		EVP_MD_CTX_new(), &EVP_MD_CTX_free);
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int size = 0;
	if (!sha256 || !context || EVP_DigestInit_ex2(context.get(), sha256.get(), nullptr) != 1
		|| EVP_DigestUpdate(context.get(), key.data(), key.size()) != 1
		|| EVP_DigestFinal_ex(context.get(), digest, &size) != 1)
		throw std::runtime_error("SHA-256 failed");
	return std::string(reinterpret_cast<const char*>(digest), size);
}

std::shared_ptr<OAuth2::OAuth2Client> CallCache::find(const std::string& key) const
{
	const std::string digest = digestOf(key);
	std::lock_guard<std::mutex> lock(_mutex);
	const auto it = _calls.find(digest);
	return it == _calls.end() ? nullptr : it->second.lock();
}

void CallCache::remember(const std::string& key, std::shared_ptr<OAuth2::OAuth2Client> session)
{
	const std::string digest = digestOf(key);
	std::lock_guard<std::mutex> lock(_mutex);
	if (_calls.size() >= CAPACITY) _calls.clear();
	_calls[digest] = session;
}

}
} // namespace Falcon::Actions
