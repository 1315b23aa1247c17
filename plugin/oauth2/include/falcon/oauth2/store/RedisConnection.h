#pragma once

#include "falcon/oauth2/core/Deadline.h"
#include "falcon/oauth2/store/RedisAddress.h"

#include <Poco/Net/Session.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
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

/// A connection to a Redis server spoken to in RESP, every exchange bounded twice: by the store's
/// own timeout and by the call's deadline, whichever comes first, even against a server that
/// answers one byte at a time (a SocketDeadline shuts the socket at that moment). Over TLS
/// (rediss://) the handshake is bounded the same way (Connector), the server's certificate is
/// verified against the host name, and a reconnect offers the last session for resumption.
///
/// Commands go out as arrays of bulk strings (Poco::Redis::Array): Poco 1.11's typed commands
/// send some arguments as RESP integers, which Redis 7 refuses. Replies are read here rather than
/// by Poco's reader, which trusts a reply's declared lengths: a reply may not exceed
/// `maxReplyBytes`. The connection opens on first use, authenticates and selects its database
/// in the same write as the first command, and is kept for the next exchange; any failure closes
/// it. Safe to share between threads: one exchange at a time, and a caller waits for its turn no
/// longer than its own exchange may last.
class RedisConnection
{
public:
	using Command = std::vector<std::string>;

	/// `password` empty: no AUTH.
	RedisConnection(
		RedisAddress address, std::string password, std::chrono::milliseconds timeout, std::size_t maxReplyBytes);
	~RedisConnection();
	RedisConnection(const RedisConnection&) = delete;
	RedisConnection& operator=(const RedisConnection&) = delete;

	/// The process's connection to `address` as its user with `password`: every store (so every
	/// session) of the process naming the same server, database, user, password and timeout
	/// shares one, instead of a connection each; it closes when the last of them is gone. The
	/// number of connections is so bounded by the servers named, not the sessions. A child of
	/// fork() opens its own (the parent's socket carries the parent's exchanges).
	static std::shared_ptr<RedisConnection> shared(const RedisAddress& address, const std::string& password,
		std::chrono::milliseconds timeout, std::size_t maxReplyBytes);

	/// Sends `commands` in one write and reads a reply for each. Throws (Poco::IOException,
	/// Poco::TimeoutException, Poco::Net::NetException...) when the exchange fails; a reply of
	/// kind Error is a reply, not a failure. A kept connection the server has closed meanwhile (a
	/// restart, an idle timeout) is opened again once.
	std::vector<RedisReply> exchange(const std::vector<Command>& commands, Deadline deadline);

	const RedisAddress& address() const { return _address; }
	/// TLS connections opened by resuming an earlier session instead of a full handshake.
	unsigned tlsResumptions() const { return _tlsResumptions; }

private:
	std::vector<RedisReply> exchangeOn(const std::vector<Command>& commands, Deadline until, bool& replied);
	void open(Deadline until);
	void close();

	RedisAddress _address;
	std::string _password;
	std::chrono::milliseconds _timeout;
	std::size_t _maxReplyBytes;
	std::timed_mutex _mutex;
	std::optional<Poco::Net::StreamSocket> _socket;
	bool _greeted = false; ///< AUTH and SELECT went through on this connection
	Poco::Net::Session::Ptr _tlsSession; ///< the last TLS session, offered on the next connect
	unsigned _tlsResumptions = 0;
};

}
} // namespace Falcon::OAuth2
