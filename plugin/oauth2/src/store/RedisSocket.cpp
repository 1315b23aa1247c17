#include "falcon/oauth2/store/RedisSocket.h"

#include "falcon/oauth2/net/Connector.h"
#include "falcon/oauth2/net/SocketDeadline.h"
#include "falcon/oauth2/net/TlsContexts.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/NumberParser.h>
#include <Poco/Redis/Array.h>

namespace Falcon {
namespace OAuth2 {

namespace {

/// A status, error or length line is short; anything longer is not Redis speaking.
constexpr std::size_t MAX_LINE_BYTES = 4096;

std::string encoded(const std::vector<RedisConnection::Command>& commands)
{
	std::string wire;
	for (const auto& command : commands)
	{
		Poco::Redis::Array array;
		for (const auto& argument : command) array.add(argument);
		wire += array.toString();
	}
	return wire;
}

/// Reads replies off the socket, refusing any that would take more than `limit` bytes.
class ReplyReader
{
public:
	ReplyReader(Poco::Net::StreamSocket& socket, std::size_t limit, bool& replied):
		_socket(socket), _limit(limit), _replied(replied)
	{
	}

	RedisReply next()
	{
		const std::string line = readLine();
		if (line.empty()) throw Poco::IOException("the Redis server sent an empty line where a reply belongs");
		const std::string rest = line.substr(1);
		RedisReply reply;
		switch (line.front())
		{
		case '+':
			reply.kind = RedisReply::Kind::Status;
			reply.text = rest;
			return reply;
		case '-':
			reply.kind = RedisReply::Kind::Error;
			reply.text = rest;
			return reply;
		case ':':
			reply.kind = RedisReply::Kind::Integer;
			reply.integer = number(rest);
			return reply;
		case '$': return bulk(number(rest));
		case '*':
			if (number(rest) == -1) return reply;
			throw Poco::IOException(
				"the Redis server answered with an array where the token store expects a single value");
		default:
			throw Poco::IOException(
				"the Redis server's reply is not RESP (it starts with a byte that marks no reply type)");
		}
	}

private:
	static long long number(const std::string& text)
	{
		Poco::Int64 value = 0;
		if (!Poco::NumberParser::tryParse64(text, value))
			throw Poco::IOException("the Redis server sent a length or number that is not one");
		return value;
	}

	RedisReply bulk(long long length)
	{
		RedisReply reply;
		if (length == -1) return reply;
		if (length < 0 || static_cast<unsigned long long>(length) > _limit)
			throw Poco::IOException("the Redis server announced a value of " + std::to_string(length)
				+ " bytes; the token store takes at most " + std::to_string(_limit));
		reply.kind = RedisReply::Kind::Bulk;
		const auto size = static_cast<std::size_t>(length);
		while (_buffer.size() < size + 2) fill();
		if (_buffer.compare(size, 2, "\r\n") != 0)
			throw Poco::IOException("the Redis server's value does not end where its length says");
		reply.text = _buffer.substr(0, size);
		_buffer.erase(0, size + 2);
		return reply;
	}

	std::string readLine()
	{
		std::size_t end;
		while ((end = _buffer.find("\r\n")) == std::string::npos)
		{
			if (_buffer.size() > MAX_LINE_BYTES)
				throw Poco::IOException("the Redis server sent a line longer than any reply line");
			fill();
		}
		std::string line = _buffer.substr(0, end);
		_buffer.erase(0, end + 2);
		return line;
	}

	void fill()
	{
		char chunk[4096];
		const int got = _socket.receiveBytes(chunk, sizeof(chunk));
		if (got <= 0) throw Poco::Net::NetException("the Redis server closed the connection");
		_replied = true;
		_received += static_cast<std::size_t>(got);
		if (_received > _limit + MAX_LINE_BYTES)
			throw Poco::IOException("the Redis server sent more than the replies can hold");
		_buffer.append(chunk, static_cast<std::size_t>(got));
	}

	Poco::Net::StreamSocket& _socket;
	std::size_t _limit;
	bool& _replied;
	std::string _buffer;
	std::size_t _received = 0;
};

} // namespace

RedisSocket::RedisSocket(
	RedisAddress address, std::string password, std::chrono::milliseconds timeout, std::size_t maxReplyBytes):
	_address(std::move(address)),
	_password(std::move(password)), _timeout(timeout), _maxReplyBytes(maxReplyBytes)
{
}

RedisSocket::~RedisSocket()
{
	close();
}

void RedisSocket::close()
{
	if (!_socket) return;
	try
	{
		_socket->close();
	}
	catch (const Poco::Exception&)
	{
	}
	_socket.reset();
}

void RedisSocket::open(Deadline until)
{
	_greeted = false;
	if (_address.local())
	{
		Poco::Net::StreamSocket socket;
		socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, _address.socketPath),
			Connector::budget(_timeout, until));
		_socket = socket;
		return;
	}
	const Poco::Net::Context::Ptr tls =
		_address.tls ? sharedTlsContext(_address.caBundle, true, _address.clientCert, _address.clientKey) : nullptr;
	_socket = Connector::open(_address.host, _address.port, tls, _timeout, until, _tlsSession);
	if (tls && Poco::Net::SecureStreamSocket(*_socket).sessionWasReused()) ++_tlsResumptions;
}

std::vector<RedisReply> RedisSocket::exchange(const std::vector<Command>& commands, Deadline deadline)
{
	const Deadline until = std::min(Clock::now() + _timeout, deadline);
	// Another session's exchange may hold the connection: waiting for it counts against this one.
	std::unique_lock<std::timed_mutex> lock(_mutex, std::defer_lock);
	if (!lock.try_lock_until(until))
		throw Poco::TimeoutException("the Redis connection to " + _address.str() + " stayed busy for "
			+ std::to_string(_timeout.count()) + " ms");
	const bool kept = _socket.has_value();
	bool replied = false;
	try
	{
		return exchangeOn(commands, until, replied);
	}
	catch (const Poco::TimeoutException&)
	{
		throw;
	}
	catch (const Poco::Exception&)
	{
		// A kept connection that ends before a byte of reply was closed by the server while idle.
		if (!kept || replied) throw;
	}
	return exchangeOn(commands, until, replied);
}

std::vector<RedisReply> RedisSocket::exchangeOn(const std::vector<Command>& commands, Deadline until, bool& replied)
{
	bool passed = false;
	try
	{
		if (!_socket) open(until);
		std::vector<Command> batch;
		// A connection's first write says who we are and which database we use.
		if (!_greeted && !_password.empty())
			batch.push_back(
				_address.username.empty() ? Command{"AUTH", _password} : Command{"AUTH", _address.username, _password});
		if (!_greeted && _address.database != 0) batch.push_back({"SELECT", std::to_string(_address.database)});
		const std::size_t greetings = batch.size();
		batch.insert(batch.end(), commands.begin(), commands.end());

		const Poco::Timespan budget = Connector::budget(std::chrono::milliseconds::max(), until);
		_socket->setSendTimeout(budget);
		_socket->setReceiveTimeout(budget);
		SocketDeadline guard(*_socket, until);
		try
		{
			const std::string wire = encoded(batch);
			_socket->sendBytes(wire.data(), static_cast<int>(wire.size()));
			ReplyReader reader(*_socket, _maxReplyBytes, replied);
			std::vector<RedisReply> replies;
			for (std::size_t i = 0; i < batch.size(); ++i)
			{
				RedisReply reply = reader.next();
				if (i < greetings && reply.kind == RedisReply::Kind::Error)
					throw Poco::IOException("the Redis server refused " + batch[i].front() + ": " + reply.text);
				if (i >= greetings) replies.push_back(std::move(reply));
			}
			// A TLS 1.3 server sends its session ticket after the handshake: by the first reply it
			// has arrived, and the session is kept for the next connect.
			if (_address.tls && !_greeted) _tlsSession = Poco::Net::SecureStreamSocket(*_socket).currentSession();
			_greeted = true;
			return replies;
		}
		catch (...)
		{
			passed = guard.passed();
			guard.disarm();
			throw;
		}
	}
	catch (const Poco::Exception&)
	{
		close();
		if (passed)
			throw Poco::TimeoutException("the Redis server at " + _address.str() + " did not answer within "
				+ std::to_string(_timeout.count()) + " ms");
		throw;
	}
}

}
} // namespace Falcon::OAuth2
