#include "ConnectProxy.h"

#include "falcon/oauth2/net/BasicCredentials.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/String.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <sstream>

namespace Falcon {
namespace Testing {

struct ConnectProxy::State
{
	mutable std::mutex mutex;
	std::condition_variable idle;
	std::string expectedAuthorization;
	std::vector<Attempt> attempts;
	unsigned active = 0;
	std::atomic<bool> stopping{false};
};

namespace {

class ProxyConnection: public Poco::Net::TCPServerConnection
{
public:
	ProxyConnection(const Poco::Net::StreamSocket& socket, std::shared_ptr<ConnectProxy::State> state):
		Poco::Net::TCPServerConnection(socket), _state(std::move(state))
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		++_state->active;
	}

	~ProxyConnection() override
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		--_state->active;
		_state->idle.notify_all();
	}

	void run() override
	{
		try
		{
			tunnel();
		}
		catch (const Poco::Exception&)
		{
			// Either side went away: the tunnel is over.
		}
		// Closed here, by the thread that used it. Left to the last reference, the descriptor may
		// be closed by the server's accepting thread (its copy of the socket outlives a short
		// connection), through Poco's reference count, which ThreadSanitizer cannot see in an
		// uninstrumented Poco: it then reports a race between this thread's last send and that close.
		try
		{
			socket().close();
		}
		catch (const Poco::Exception&)
		{
		}
	}

private:
	void reply(const std::string& text) { socket().sendBytes(text.data(), static_cast<int>(text.size())); }

	void tunnel()
	{
		socket().setReceiveTimeout(Poco::Timespan(5, 0));
		std::string head;
		char buffer[16384];
		while (head.find("\r\n\r\n") == std::string::npos)
		{
			const int n = socket().receiveBytes(buffer, sizeof(buffer));
			if (n <= 0) return;
			head.append(buffer, static_cast<std::size_t>(n));
		}
		ConnectProxy::Attempt attempt;
		attempt.rawRequest = head;
		const auto lineEnd = head.find("\r\n");
		const std::string line = head.substr(0, lineEnd);
		const bool isConnect = line.compare(0, 8, "CONNECT ") == 0;
		attempt.target = isConnect ? line.substr(8, line.find(' ', 8) - 8) : "";
		std::string authorization;
		std::istringstream headers(head.substr(lineEnd + 2));
		for (std::string header; std::getline(headers, header);)
		{
			const auto colon = header.find(':');
			if (colon != std::string::npos && Poco::icompare(header.substr(0, colon), "Proxy-Authorization") == 0)
				authorization = Poco::trim(header.substr(colon + 1));
		}
		attempt.authorized = _state->expectedAuthorization.empty() || authorization == _state->expectedAuthorization;
		{
			std::lock_guard<std::mutex> lock(_state->mutex);
			_state->attempts.push_back(attempt);
		}
		if (!isConnect)
			return reply("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
		if (!attempt.authorized)
			return reply("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
						 "realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
		const Poco::Net::SocketAddress target(attempt.target);
		if (!target.host().isLoopback())
			return reply("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

		Poco::Net::StreamSocket upstream;
		upstream.connect(target, Poco::Timespan(5, 0));
		reply("HTTP/1.1 200 Connection established\r\n\r\n");
		relay(upstream, buffer, sizeof(buffer));
	}

	void relay(Poco::Net::StreamSocket& upstream, char* buffer, int size)
	{
		Poco::Net::StreamSocket& client = socket();
		while (!_state->stopping)
		{
			Poco::Net::Socket::SocketList readable{client, upstream}, writable, failed;
			if (Poco::Net::Socket::select(readable, writable, failed, Poco::Timespan(0, 100000)) == 0) continue;
			for (auto& from : readable)
			{
				Poco::Net::StreamSocket source(from);
				Poco::Net::StreamSocket sink = source == client ? upstream : client;
				const int n = source.receiveBytes(buffer, size);
				if (n <= 0) return;
				sink.sendBytes(buffer, n);
			}
		}
	}

	std::shared_ptr<ConnectProxy::State> _state;
};

class ProxyConnectionFactory: public Poco::Net::TCPServerConnectionFactory
{
public:
	explicit ProxyConnectionFactory(std::shared_ptr<ConnectProxy::State> state): _state(std::move(state)) {}

	Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override
	{
		return new ProxyConnection(socket, _state);
	}

private:
	std::shared_ptr<ConnectProxy::State> _state;
};

} // namespace

ConnectProxy::ConnectProxy(const std::string& username, const std::string& password): _state(std::make_shared<State>())
{
	if (!username.empty()) _state->expectedAuthorization = "Basic " + OAuth2::basicCredentials(username, password);
	_server = std::make_unique<Poco::Net::TCPServer>(
		new ProxyConnectionFactory(_state), Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0), 64));
	_server->start();
}

ConnectProxy::~ConnectProxy()
{
	_state->stopping = true;
	_server->stop();
	std::unique_lock<std::mutex> lock(_state->mutex);
	_state->idle.wait_for(lock, std::chrono::seconds(10), [&] { return _state->active == 0; });
}

unsigned short ConnectProxy::port() const
{
	return _server->socket().address().port();
}

std::vector<ConnectProxy::Attempt> ConnectProxy::attempts() const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	return _state->attempts;
}

}
} // namespace Falcon::Testing
