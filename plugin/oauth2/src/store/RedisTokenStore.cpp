#include "falcon/oauth2/store/RedisTokenStore.h"

#include "falcon/oauth2/store/EntrySeal.h"

#include <Poco/Exception.h>

#include <openssl/rand.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace Falcon {
namespace OAuth2 {

namespace {

/// Compare-and-delete: only the value's owner removes it.
const char* const REMOVE_IF_HOLDS =
	"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
/// Compare-and-extend: only the lock's holder keeps it.
const char* const EXTEND_IF_HOLDS =
	"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

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

/// Extended while held (a thread of its own wakes every third of the lock's life), released by
/// compare-and-delete when it goes; if that fails, the lock expires on its own.
class RedisTokenStore::Lock: public StoreLock
{
public:
	Lock(RedisTokenStore& store, std::string key, std::string value):
		_store(store), _key(std::move(key)), _value(std::move(value))
	{
		_extender = std::thread([this] { extendWhileHeld(); });
	}

	~Lock() override
	{
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_released = true;
		}
		_wake.notify_all();
		_extender.join();
		try
		{
			_store.removeIf(_key, _value, Clock::now() + _store._timeout);
		}
		catch (const std::exception&)
		{
		}
	}

private:
	void extendWhileHeld()
	{
		std::unique_lock<std::mutex> lock(_mutex);
		while (!_wake.wait_for(lock, _store._lockTtl / 3, [this] { return _released; }))
		{
			lock.unlock();
			bool kept = false;
			try
			{
				kept = _store.extendIf(_key, _value, Clock::now() + _store._timeout);
			}
			catch (const std::exception&)
			{
				kept = true; // a store that fails now may answer next time; the lock lives its ttl meanwhile
			}
			lock.lock();
			if (!kept) return; // expired already: another holder's now
		}
	}

	RedisTokenStore& _store;
	std::string _key;
	std::string _value;
	std::mutex _mutex;
	std::condition_variable _wake;
	bool _released = false;
	std::thread _extender;
};

std::string RedisTokenStore::caution() const
{
	if (!_connection->address().inClear()) return {};
	return "token cache: the " + describe()
		+ " is reached over plain TCP across a network: its AUTH password and the sealed entries travel in clear "
		  "(use rediss:// for TLS)";
}

RedisTokenStore::RedisTokenStore(const Settings& settings):
	_connection(RedisConnection::shared(
		settings.address, settings.password, settings.timeout, EntrySeal::MAX_SEALED_BYTES, settings.connections)),
	_keyPrefix(settings.keyPrefix), _lockTtl(settings.lockTtl), _timeout(settings.timeout)
{
}

RedisReply RedisTokenStore::run(const RedisConnection::Command& command, Deadline deadline)
{
	RedisReply reply = _connection->exchange({command}, deadline).front();
	if (reply.kind == RedisReply::Kind::Error)
		throw Poco::IOException("the Redis server refused " + command.front() + ": " + reply.text);
	return reply;
}

std::optional<std::string> RedisTokenStore::read(const std::string& name, Deadline deadline)
{
	RedisReply reply;
	try
	{
		reply = run({"GET", _keyPrefix + name}, deadline);
	}
	catch (const Poco::IOException& e)
	{
		// Another kind of value at the entry's key: SET replaces it.
		if (e.message().find(": WRONGTYPE") != std::string::npos)
			throw UnusableEntryException("the entry " + _keyPrefix + name + " holds another kind of value");
		throw;
	}
	if (reply.kind == RedisReply::Kind::Null) return std::nullopt;
	if (reply.kind != RedisReply::Kind::Bulk)
		throw Poco::IOException("the Redis server answered GET with something other than a value");
	return std::move(reply.text);
}

void RedisTokenStore::write(
	const std::string& name, const std::string& bytes, SharedEntry::WallClock::time_point expiresAt, Deadline deadline)
{
	// The key goes when the token does; PX must be positive.
	const auto lifetime =
		std::chrono::duration_cast<std::chrono::milliseconds>(expiresAt - SharedEntry::WallClock::now());
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
		throw Poco::IOException(
			"the Redis server answered the compare-and-delete script with something other than a count");
}

bool RedisTokenStore::extendIf(const std::string& key, const std::string& value, Deadline deadline)
{
	const RedisReply reply =
		run({"EVAL", EXTEND_IF_HOLDS, "1", key, value, std::to_string(_lockTtl.count())}, deadline);
	if (reply.kind != RedisReply::Kind::Integer)
		throw Poco::IOException("the Redis server answered the lock extension with something other than a count");
	return reply.integer != 0;
}

std::unique_ptr<StoreLock> RedisTokenStore::lock(const std::string& name, const CallBounds& call)
{
	const std::string key = _keyPrefix + name + ":lock";
	const std::string value = lockOwnerValue();
	for (;;)
	{
		const RedisReply reply = run({"SET", key, value, "NX", "PX", std::to_string(_lockTtl.count())}, call.deadline);
		if (reply.is("OK")) return std::make_unique<Lock>(*this, key, value);
		if (reply.kind != RedisReply::Kind::Null)
			throw Poco::IOException("the Redis server answered SET NX with neither OK nor nil");
		if (Clock::now() + LOCK_POLL >= call.deadline || Cancellation::requested(call.cancellation)) return nullptr;
		std::this_thread::sleep_for(LOCK_POLL);
	}
}

}
} // namespace Falcon::OAuth2
