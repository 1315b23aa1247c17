#include "falcon/oauth2/RedisTokenStore.h"

#include "falcon/oauth2/EntrySeal.h"

#include <Poco/Exception.h>

#include <openssl/rand.h>

#include <thread>

namespace Falcon {
namespace OAuth2 {

namespace {

/// Compare-and-delete: only the value's owner removes it.
const char* const REMOVE_IF_HOLDS = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/// 128 random bits in hex: a lock holder's proof that the lock is still its own.
std::string lockOwnerValue()
{
	unsigned char bytes[16];
	if (RAND_bytes(bytes, sizeof(bytes)) != 1) throw Poco::IOException("no randomness for the lock's value");
	static const char* const digits = "0123456789abcdef";
	std::string value;
	for (unsigned char byte : bytes)
	{
		value += digits[byte >> 4];
		value += digits[byte & 15];
	}
	return value;
}

} // namespace

/// Released by compare-and-delete when it goes; if that fails, the lock expires on its own.
class RedisTokenStore::Lock: public StoreLock
{
public:
	Lock(RedisTokenStore& store, std::string key, std::string value):
		_store(store), _key(std::move(key)), _value(std::move(value)) {}
	~Lock() override
	{
		try
		{
			_store.removeIf(_key, _value, Clock::now() + _store._timeout);
		}
		catch (const std::exception&)
		{
		}
	}

private:
	RedisTokenStore& _store;
	std::string _key;
	std::string _value;
};

RedisTokenStore::RedisTokenStore(const Settings& settings):
	_connection(settings.address, settings.password, settings.timeout, EntrySeal::MAX_SEALED_BYTES),
	_keyPrefix(settings.keyPrefix),
	_lockTtl(settings.lockTtl),
	_timeout(settings.timeout)
{
}

RedisReply RedisTokenStore::run(const RedisConnection::Command& command, Deadline deadline)
{
	RedisReply reply = _connection.exchange({command}, deadline).front();
	if (reply.kind == RedisReply::Kind::Error) throw Poco::IOException("the Redis server refused " + command.front() + ": " + reply.text);
	return reply;
}

std::optional<std::string> RedisTokenStore::read(const std::string& name, Deadline deadline)
{
	RedisReply reply = run({"GET", _keyPrefix + name}, deadline);
	if (reply.kind == RedisReply::Kind::Null) return std::nullopt;
	if (reply.kind != RedisReply::Kind::Bulk) throw Poco::IOException("the Redis server answered GET with something other than a value");
	return std::move(reply.text);
}

void RedisTokenStore::write(const std::string& name, const std::string& bytes, SharedEntry::WallClock::time_point expiresAt, Deadline deadline)
{
	// The key goes when the token does; PX must be positive.
	const auto lifetime = std::chrono::duration_cast<std::chrono::milliseconds>(expiresAt - SharedEntry::WallClock::now());
	const long long px = std::max<long long>(1, lifetime.count());
	if (!run({"SET", _keyPrefix + name, bytes, "PX", std::to_string(px)}, deadline).is("OK"))
		throw Poco::IOException("the Redis server did not answer SET with OK");
}

void RedisTokenStore::remove(const std::string& name, const std::string& bytes, Deadline deadline)
{
	removeIf(_keyPrefix + name, bytes, deadline);
}

void RedisTokenStore::removeIf(const std::string& key, const std::string& value, Deadline deadline)
{
	if (run({"EVAL", REMOVE_IF_HOLDS, "1", key, value}, deadline).kind != RedisReply::Kind::Integer)
		throw Poco::IOException("the Redis server answered the compare-and-delete script with something other than a count");
}

std::unique_ptr<StoreLock> RedisTokenStore::lock(const std::string& name, Deadline deadline)
{
	const std::string key = _keyPrefix + name + ":lock";
	const std::string value = lockOwnerValue();
	for (;;)
	{
		const RedisReply reply = run({"SET", key, value, "NX", "PX", std::to_string(_lockTtl.count())}, deadline);
		if (reply.is("OK")) return std::make_unique<Lock>(*this, key, value);
		if (reply.kind != RedisReply::Kind::Null) throw Poco::IOException("the Redis server answered SET NX with neither OK nor nil");
		if (Clock::now() + LOCK_POLL >= deadline) return nullptr;
		std::this_thread::sleep_for(LOCK_POLL);
	}
}

}} // namespace Falcon::OAuth2
