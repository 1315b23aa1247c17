#pragma once

#include "falcon/oauth2/core/Deadline.h"
#include "falcon/oauth2/store/RedisAddress.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace OAuth2 {

/// One reply of a Redis server, of the kinds the token store meets.
struct RedisReply
{
	enum class Kind
	{
		Status, ///< +OK
		Error, ///< -ERR ..., -NOAUTH ..., -WRONGPASS ...
		Integer, ///< :1
		Bulk, ///< $3 abc
		Null ///< $-1 (a missing key, a SET NX that did not set)
	};

	Kind kind = Kind::Null;
	std::string text; ///< a status, an error or a bulk string
	long long integer = 0;

	bool is(const char* status) const { return kind == Kind::Status && text == status; }
};

/// A connection to a Redis server, one exchange at a time, safe to share between threads.
/// RedisSocket is the one that speaks to sockets; it lives with the rest of the code that does
/// (the wire, Wire.h), which the plugin module loads only once a store needs it.
class RedisConnection
{
public:
	using Command = std::vector<std::string>;
	/// Makes a connection (opened on first use) to `address` as its user with `password`, each
	/// exchange bounded by `timeout`, a reply by `maxReplyBytes`. Throws when it cannot.
	using Factory = std::shared_ptr<RedisConnection> (*)(const RedisAddress& address, const std::string& password,
		std::chrono::milliseconds timeout, std::size_t maxReplyBytes);

	virtual ~RedisConnection() = default;

	/// The process's connection to `address` as its user with `password`: every store (so every
	/// session) of the process naming the same server, database, user, password and timeout
	/// shares one, made by `factory`, instead of a connection each; it closes when the last of
	/// them is gone. The number of connections is so bounded by the servers named, not the
	/// sessions. A child of fork() opens its own (the parent's socket carries the parent's
	/// exchanges).
	static std::shared_ptr<RedisConnection> shared(const RedisAddress& address, const std::string& password,
		std::chrono::milliseconds timeout, std::size_t maxReplyBytes, Factory factory);

	/// Sends `commands` in one write and reads a reply for each. Throws (Poco::IOException,
	/// Poco::TimeoutException...) when the exchange fails; a reply of kind Error is a reply, not a
	/// failure. A kept connection the server has closed meanwhile (a restart, an idle timeout) is
	/// opened again once.
	virtual std::vector<RedisReply> exchange(const std::vector<Command>& commands, Deadline deadline) = 0;

	virtual const RedisAddress& address() const = 0;
};

}
} // namespace Falcon::OAuth2
