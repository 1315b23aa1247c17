#pragma once

#include "falcon/oauth2/store/RedisConnection.h"

#include <Poco/Net/Session.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

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
class RedisSocket final: public RedisConnection
{
public:
	/// `password` empty: no AUTH.
	RedisSocket(
		RedisAddress address, std::string password, std::chrono::milliseconds timeout, std::size_t maxReplyBytes);
	~RedisSocket() override;
	RedisSocket(const RedisSocket&) = delete;
	RedisSocket& operator=(const RedisSocket&) = delete;

	std::vector<RedisReply> exchange(const std::vector<Command>& commands, Deadline deadline) override;
	const RedisAddress& address() const override { return _address; }
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
